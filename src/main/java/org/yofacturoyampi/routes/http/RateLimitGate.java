package org.yofacturoyampi.routes.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One API's rate limit, shared by every route that calls it: after a 429 no request goes to that API until the wait
 * is over. The wait is the answer's {@code Retry-After} (seconds or an HTTP date), or else an exponential backoff
 * (1 s, 2 s, 4 s ...); either is capped at {@code maxWait}. With a {@link RateLimitStore} the nodes of a cluster
 * share, the wait also holds every node and a node restarted during it: a 429 is written to the store, and the store is
 * asked only while this gate is open (it may answer from a copy a moment old; see the cluster store).
 */
public final class RateLimitGate {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitGate.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    private final String api;
    private final Duration maxWait;
    private final Clock clock;
    private final RateLimitStore store;
    private final AtomicInteger consecutiveLimits = new AtomicInteger();
    private volatile Instant closedUntil = Instant.EPOCH;

    public RateLimitGate(String api, Duration maxWait, Clock clock) {
        this(api, maxWait, clock, RateLimitStore.none());
    }

    /** @param store where the wait is shared beyond this process ({@link RateLimitStore#none()}: nowhere) */
    public RateLimitGate(String api, Duration maxWait, Clock clock, RateLimitStore store) {
        this.api = api;
        this.maxWait = maxWait;
        this.clock = clock;
        this.store = store;
    }

    /** Blocks the calling request until the API may be called again. */
    public void awaitClearance() throws InterruptedException {
        while (true) {
            long waitMillis = Duration.between(clock.instant(), closedUntil()).toMillis();
            if (waitMillis <= 0) {
                return;
            }
            Thread.sleep(Math.min(waitMillis, 1000));
        }
    }

    /**
     * The API answered 429: close the gate for the time it asks, or a growing backoff. The backoff grows once per
     * round: 429s to requests that were already out when the gate closed (several routes at once) do not double it.
     */
    public void limited(HttpOperationFailedException answer) {
        int streak = Math.max(1, isClosed() ? consecutiveLimits.get() : consecutiveLimits.incrementAndGet());
        Instant now = clock.instant();
        Duration asked = retryAfter(answer.getResponseHeaders(), now);
        Duration wait = asked != null ? asked : FIRST_BACKOFF.multipliedBy(1L << Math.min(streak - 1, 16));
        if (wait.compareTo(maxWait) > 0) {
            wait = maxWait;
        }
        Instant until = now.plus(wait);
        closeUntil(until);
        store.closeUntil(until);
        LOG.warn("{} rate limit hit (429): every {} request waits {} s{}", api, api, wait.toMillis() / 1000.0,
                asked != null ? " as Retry-After asks" : " (no Retry-After: backing off)");
    }

    /** A request went through: the next 429 starts the backoff from the beginning. */
    public void passed() {
        consecutiveLimits.set(0);
    }

    /** The 429 error handler's onExceptionOccurred step: the answer that was just refused closes the gate. */
    public void onLimited(Exchange exchange) {
        if (exchange.getException() instanceof HttpOperationFailedException http && http.getStatusCode() == 429) {
            limited(http);
        }
    }

    public boolean isClosed() {
        return clock.instant().isBefore(closedUntil());
    }

    /** This gate's own instant while it is closed; else what the store knows (another node's 429, or before a restart). */
    private Instant closedUntil() {
        Instant local = closedUntil;
        if (clock.instant().isBefore(local)) {
            return local;
        }
        Instant shared = store.noRequestBefore();
        if (shared.isAfter(local)) {
            closeUntil(shared);
            return shared;
        }
        return local;
    }

    private synchronized void closeUntil(Instant until) {
        if (until.isAfter(closedUntil)) {
            closedUntil = until;
        }
    }

    /** The wait a {@code Retry-After} asks for: seconds, or an HTTP date read against this gate's clock; null if none. */
    static Duration retryAfter(Map<String, String> headers, Instant now) {
        if (headers == null) {
            return null;
        }
        String value = null;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if ("Retry-After".equalsIgnoreCase(h.getKey())) {
                value = h.getValue();
            }
        }
        if (value == null || value.isBlank()) {
            return null;
        }
        value = value.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
