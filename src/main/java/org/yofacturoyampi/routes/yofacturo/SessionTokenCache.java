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

    private final SessionIssuer issuer;
    private final String api;
    private final String keyVariable;
    private final Duration renewBefore;
    private final Clock clock;
    private final ReentrantLock renewal = new ReentrantLock();
    private final AtomicLong renewals = new AtomicLong();

    private volatile YoFacturoSession session;
    private volatile boolean keyRejected;

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
        return renewUnlessAlreadyRenewed(seen).token();
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
        renewal.lock();
        try {
            if (session != seen) {
                return false; // renewed meanwhile by a data request
            }
            issue();
            return true;
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
        session = fresh;
        renewals.incrementAndGet();
        LOG.info("{} session renewed; it expires at {}", api, fresh.expiresAt());
        return fresh;
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
