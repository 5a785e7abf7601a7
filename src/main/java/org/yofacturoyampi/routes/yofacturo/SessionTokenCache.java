package org.yofacturoyampi.routes.yofacturo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The YoFacturo session every exchange reads. Renewal is single-flight: however many callers find no valid token at
 * once, one sessions call is made and all of them get its token. The session lives in a {@link SessionStore}: this
 * process's memory by default, or a database the nodes of a cluster share, whose lock makes the single flight
 * cluster-wide. This cache keeps its own copy of the stored session and reads the store only when that copy is not
 * valid.
 */
public final class SessionTokenCache {

    private static final Logger LOG = LoggerFactory.getLogger(SessionTokenCache.class);
    /** A token this close to its expiry is not sent: it could expire on the way. */
    private static final Duration IN_FLIGHT_MARGIN = Duration.ofSeconds(1);
    /** After a session that had already expired when it came: the wait before the next sessions call. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(30);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    private final SessionIssuer issuer;
    private final SessionStore store;
    private final String api;
    private final String keyVariable;
    private final Duration renewBefore;
    private final Clock clock;
    private final AtomicLong renewals = new AtomicLong();

    private volatile YoFacturoSession session;
    private volatile boolean keyRejected;
    /** While set and ahead: no sessions call from this node (the last session issued had expired); guarded by the store's lock. */
    private volatile Instant nextIssueAt;
    private Duration backoff;
    /** Whether a session within renew-before was already said (once, until a longer one comes); guarded by the store's lock. */
    private boolean shortSaid;

    public SessionTokenCache(SessionIssuer issuer, Duration renewBefore, Clock clock) {
        this(issuer, renewBefore, clock, "YoFacturo", "YOFACTURO_API_KEY");
    }

    /**
     * @param api         how logs name this organisation's YoFacturo, e.g. "YoFacturo [acme]"
     * @param keyVariable the variable holding its api key, named in messages (never the key)
     */
    public SessionTokenCache(SessionIssuer issuer, Duration renewBefore, Clock clock, String api, String keyVariable) {
        this(issuer, new InMemorySessionStore(), renewBefore, clock, api, keyVariable);
    }

    /** @param store where the session lives: {@link InMemorySessionStore}, or one the cluster shares */
    public SessionTokenCache(SessionIssuer issuer, SessionStore store, Duration renewBefore, Clock clock, String api,
            String keyVariable) {
        this.issuer = issuer;
        this.store = store;
        this.renewBefore = renewBefore;
        this.clock = clock;
        this.api = api;
        this.keyVariable = keyVariable;
    }

    /** The token to send now: the cached one while it is valid, else the stored one, else a freshly issued one. */
    public String token() {
        YoFacturoSession seen = session;
        if (isValid(seen)) {
            return seen.token();
        }
        if (keyRejected) {
            throw rejectedKey();
        }
        YoFacturoSession stored = store.read();
        if (isValid(stored)) {
            session = stored; // renewed by another caller, or another node
            return stored.token();
        }
        if (isBackingOff()) {
            throw shortSessions();
        }
        session = store.update(current -> {
            if (isValid(current)) {
                return current; // renewed while this caller waited for the lock
            }
            if (keyRejected) {
                throw rejectedKey();
            }
            return isBackingOff() ? current : issue(current);
        });
        YoFacturoSession renewed = present(session);
        if (!isValid(renewed)) {
            throw shortSessions();
        }
        return renewed.token();
    }

    /**
     * The scheduled check: renews when there is no session or it expires within the renew-before margin. Also the
     * calm retry of a rejected key.
     *
     * @return whether a new session was issued
     */
    public boolean renewIfDue() {
        YoFacturoSession seen = session;
        if (seen != null && !isDue(seen)) {
            return false;
        }
        if (isBackingOff()) {
            LOG.debug("{} session not renewed yet: next sessions call at {}", api, nextIssueAt);
            return false;
        }
        long before = renewals.get();
        session = store.update(current -> current != null && !isDue(current) || isBackingOff() ? current : issue(current));
        YoFacturoSession renewed = present(session);
        return renewals.get() != before && isValid(renewed);
    }

    /**
     * Drops the session whose token YoFacturo just refused, unless a newer one already replaced it (in this process
     * or, with a shared store, on another node): then the newer one is used, and nothing is renewed for it.
     */
    public void invalidate(String refusedToken) {
        YoFacturoSession current = session;
        if (current != null && current.token().equals(refusedToken)) {
            session = store.update(stored -> {
                if (stored != null && stored.token().equals(refusedToken)) {
                    LOG.info("{} refused the cached session token; a new session will be requested", api);
                    return null;
                }
                return stored;
            });
        }
    }

    /** {@link #invalidate(String)} for the {@code Authorization} header value that was refused. */
    public void invalidateBearer(String authorizationHeader) {
        if (authorizationHeader != null && authorizationHeader.startsWith("Bearer ")) {
            invalidate(authorizationHeader.substring("Bearer ".length()));
        }
    }

    /** Whether a valid session is at hand: this cache's, or one the store holds (another node renewed it). */
    public boolean hasValidSession() {
        if (isValid(session)) {
            return true;
        }
        try {
            YoFacturoSession stored = store.read();
            if (isValid(stored)) {
                session = stored;
                return true;
            }
        } catch (RuntimeException unreachable) {
            LOG.debug("{} session store unreadable: {}", api, unreachable.getMessage());
        }
        return false;
    }

    public boolean isKeyRejected() {
        return keyRejected;
    }

    /** How many sessions this cache obtained. */
    public long renewals() {
        return renewals.get();
    }

    /**
     * Called with the store's lock held. A rejected key gives null, which drops the stored session (the key is every
     * node's): {@link #present} then throws. A session that had already expired is not stored: {@code current} stays.
     */
    private YoFacturoSession issue(YoFacturoSession current) {
        YoFacturoSession fresh;
        try {
            fresh = issuer.issue();
        } catch (ApiKeyRejectedException e) {
            if (!keyRejected) {
                LOG.error("{} rejected the api key (401 Invalid API key): set {} to a valid org key; no data is "
                        + "requested until then, next attempt at the next session check", api, keyVariable);
            } else {
                LOG.debug("{} still rejects the api key ({})", api, keyVariable);
            }
            keyRejected = true;
            return null;
        }
        if (keyRejected) {
            LOG.info("{} accepts the api key again ({})", api, keyVariable);
        }
        keyRejected = false;
        renewals.incrementAndGet();
        Instant now = clock.instant();
        if (!isValid(fresh)) {
            expired(fresh, now);
            return current;
        }
        if (backoff != null) {
            LOG.info("{} issues sessions that are valid again; it expires at {}", api, fresh.expiresAt());
            backoff = null;
            nextIssueAt = null;
        } else if (isDue(fresh)) {
            if (!shortSaid) {
                LOG.warn("{} issued a session that expires at {}, within YOFACTURO_RENEW_BEFORE ({}) of this machine's "
                        + "clock ({}): it is used until then and renewed at each session check, not at each request; "
                        + "check the clock or lower YOFACTURO_RENEW_BEFORE", api, fresh.expiresAt(), renewBefore, now);
                shortSaid = true;
            }
        } else {
            shortSaid = false;
            LOG.info("{} session renewed; it expires at {}", api, fresh.expiresAt());
        }
        return fresh;
    }

    /**
     * A session that had already expired when it came: asking again at once would ask for a session at every request.
     * It is said once, in one WARN line (never the token), and the next sessions call waits, from
     * {@link #FIRST_BACKOFF} doubling up to {@link #MAX_BACKOFF}. Called with the store's lock held.
     */
    private void expired(YoFacturoSession fresh, Instant now) {
        boolean firstTime = backoff == null;
        backoff = firstTime ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
        nextIssueAt = now.plus(backoff);
        if (firstTime) {
            LOG.warn("{} issued a session that had already expired (expires_at {}, this machine's clock says {}): "
                    + "check the clock; no data is requested until a valid session comes, next sessions call at {}, "
                    + "then at growing intervals up to {}", api, fresh.expiresAt(), now, nextIssueAt, MAX_BACKOFF);
        } else {
            LOG.debug("{} issued an expired session again (expires_at {}); next sessions call at {}", api,
                    fresh.expiresAt(), nextIssueAt);
        }
    }

    private boolean isBackingOff() {
        Instant until = nextIssueAt;
        return until != null && clock.instant().isBefore(until);
    }

    private SessionUnavailableException shortSessions() {
        return new SessionUnavailableException("no valid " + api + " session: the last one it issued had already "
                + "expired (see the WARN line); next sessions call at " + nextIssueAt);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The session a renewal left (null while backing off from expired sessions), or the rejected key's exception. */
    private YoFacturoSession present(YoFacturoSession renewed) {
        if (renewed == null && keyRejected) {
            throw new ApiKeyRejectedException();
        }
        return renewed;
    }

    private boolean isDue(YoFacturoSession candidate) {
        return !clock.instant().plus(renewBefore).isBefore(candidate.expiresAt());
    }

    private boolean isValid(YoFacturoSession candidate) {
        return candidate != null && clock.instant().plus(IN_FLIGHT_MARGIN).isBefore(candidate.expiresAt());
    }

    private SessionUnavailableException rejectedKey() {
        return new SessionUnavailableException("no " + api + " session: the api key was rejected; set " + keyVariable
                + " to a valid key (checked again at the next session check)");
    }
}
