package org.yofacturoyampi.routes.yofacturo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The YoFacturo session every exchange reads. Renewal is single-flight: however many callers find no valid token at
 * once, one sessions call is made and all of them get its token.
 */
public final class SessionTokenCache {

    private static final Logger LOG = LoggerFactory.getLogger(SessionTokenCache.class);
    /** A token this close to its expiry is not sent: it could expire on the way. */
    private static final Duration IN_FLIGHT_MARGIN = Duration.ofSeconds(1);
    /** After a session that had already expired when it came: the wait before the next sessions call. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(30);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    private final SessionIssuer issuer;
    private final String api;
    private final String keyVariable;
    private final Duration renewBefore;
    private final Clock clock;
    private final ReentrantLock renewal = new ReentrantLock();
    private final AtomicLong renewals = new AtomicLong();

    private volatile YoFacturoSession session;
    private volatile boolean keyRejected;
    /** While set and ahead: no sessions call (the last session issued was expired or short); guarded by renewal. */
    private volatile Instant nextIssueAt;
    private Duration backoff;
    /** Whether a session within renew-before was already said (once, until a longer one comes); guarded by renewal. */
    private boolean shortSaid;

    public SessionTokenCache(SessionIssuer issuer, Duration renewBefore, Clock clock) {
        this(issuer, renewBefore, clock, "YoFacturo", "YOFACTURO_API_KEY");
    }

    /**
     * @param api         how logs name this organisation's YoFacturo, e.g. "YoFacturo [acme]"
     * @param keyVariable the variable holding its api key, named in messages (never the key)
     */
    public SessionTokenCache(SessionIssuer issuer, Duration renewBefore, Clock clock, String api, String keyVariable) {
        this.issuer = issuer;
        this.renewBefore = renewBefore;
        this.clock = clock;
        this.api = api;
        this.keyVariable = keyVariable;
    }

    /** The token to send now: the cached one while it is valid, else a freshly issued one. */
    public String token() {
        YoFacturoSession seen = session;
        if (isValid(seen)) {
            return seen.token();
        }
        if (keyRejected) {
            throw rejectedKey();
        }
        if (isBackingOff()) {
            throw shortSessions();
        }
        YoFacturoSession renewed = renewUnlessAlreadyRenewed(seen);
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
        if (seen != null && clock.instant().plus(renewBefore).isBefore(seen.expiresAt())) {
            return false;
        }
        if (isBackingOff()) {
            LOG.debug("{} session not renewed yet: next sessions call at {}", api, nextIssueAt);
            return false;
        }
        renewal.lock();
        try {
            if (session != seen || isBackingOff()) {
                return false; // renewed meanwhile by a data request
            }
            return isValid(issue());
        } finally {
            renewal.unlock();
        }
    }

    /** Drops the session whose token YoFacturo just refused, unless a newer one already replaced it. */
    public void invalidate(String refusedToken) {
        YoFacturoSession current = session;
        if (current != null && current.token().equals(refusedToken)) {
            renewal.lock();
            try {
                if (session == current) {
                    session = null;
                    LOG.info("{} refused the cached session token; a new session will be requested", api);
                }
            } finally {
                renewal.unlock();
            }
        }
    }

    /** {@link #invalidate(String)} for the {@code Authorization} header value that was refused. */
    public void invalidateBearer(String authorizationHeader) {
        if (authorizationHeader != null && authorizationHeader.startsWith("Bearer ")) {
            invalidate(authorizationHeader.substring("Bearer ".length()));
        }
    }

    public boolean hasValidSession() {
        return isValid(session);
    }

    public boolean isKeyRejected() {
        return keyRejected;
    }

    /** How many sessions this cache obtained. */
    public long renewals() {
        return renewals.get();
    }

    private YoFacturoSession renewUnlessAlreadyRenewed(YoFacturoSession seen) {
        renewal.lock();
        try {
            YoFacturoSession current = session;
            if (current != seen && isValid(current)) {
                return current;
            }
            if (keyRejected) {
                throw rejectedKey();
            }
            if (isBackingOff()) {
                return current;
            }
            return issue();
        } finally {
            renewal.unlock();
        }
    }

    /** Called with the renewal lock held. */
    private YoFacturoSession issue() {
        YoFacturoSession fresh;
        try {
            fresh = issuer.issue();
        } catch (ApiKeyRejectedException e) {
            session = null;
            if (!keyRejected) {
                LOG.error("{} rejected the api key (401 Invalid API key): set {} to a valid org key; no data is "
                        + "requested until then, next attempt at the next session check", api, keyVariable);
            } else {
                LOG.debug("{} still rejects the api key ({})", api, keyVariable);
            }
            keyRejected = true;
            throw e;
        }
        if (keyRejected) {
            LOG.info("{} accepts the api key again ({})", api, keyVariable);
        }
        keyRejected = false;
        renewals.incrementAndGet();
        Instant now = clock.instant();
        if (!isValid(fresh)) {
            return expired(fresh, now);
        }
        if (backoff != null) {
            LOG.info("{} issues sessions that are valid again; it expires at {}", api, fresh.expiresAt());
            backoff = null;
            nextIssueAt = null;
        } else if (!now.plus(renewBefore).isBefore(fresh.expiresAt())) {
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
        session = fresh;
        return fresh;
    }

    /**
     * A session that had already expired when it came: asking again at once would ask for a session at every request.
     * It is said once, in one WARN line (never the token), and the next sessions call waits, from
     * {@link #FIRST_BACKOFF} doubling up to {@link #MAX_BACKOFF}. Called with the renewal lock held.
     */
    private YoFacturoSession expired(YoFacturoSession fresh, Instant now) {
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
        return fresh;
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

    private boolean isValid(YoFacturoSession candidate) {
        return candidate != null && clock.instant().plus(IN_FLIGHT_MARGIN).isBefore(candidate.expiresAt());
    }

    private SessionUnavailableException rejectedKey() {
        return new SessionUnavailableException("no " + api + " session: the api key was rejected; set " + keyVariable
                + " to a valid key (checked again at the next session check)");
    }

    Instant expiresAtForTests() {
        YoFacturoSession s = session;
        return s == null ? null : s.expiresAt();
    }
}
