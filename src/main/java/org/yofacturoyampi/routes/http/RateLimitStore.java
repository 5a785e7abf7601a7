package org.yofacturoyampi.routes.http;

import java.time.Instant;

/**
 * Where one rate limit's "no request before" instant is kept beyond this process: a database the nodes of a cluster
 * share, so that a 429 answered to one node holds every node, and a node restarted during the wait. Without a cluster,
 * {@link #none()}: the gate's own memory is the whole story.
 */
public interface RateLimitStore {

    /** The instant before which no request may go, as far as the store knows ({@link Instant#EPOCH} when none). */
    Instant noRequestBefore();

    /** No request may go before {@code until}; a later instant already kept stays. */
    void closeUntil(Instant until);

    /** Nothing beyond this process. */
    static RateLimitStore none() {
        return new RateLimitStore() {
            @Override
            public Instant noRequestBefore() {
                return Instant.EPOCH;
            }

            @Override
            public void closeUntil(Instant until) {
                // the gate keeps it
            }
        };
    }
}
