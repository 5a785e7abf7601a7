package org.yofacturoyampi.routes.trigger;

/**
 * A feed's lock across the nodes of a cluster, taken by {@link FeedRuns} around every run (scheduled or on demand), after
 * the node's own one-run-at-a-time lock. Without cluster mode there is none ({@link #NONE}).
 */
@FunctionalInterface
public interface FeedLock {

    /** The lock of a run; closing it lets the feed run elsewhere. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    Held NOT_HELD = () -> { };

    FeedLock NONE = (feed, waiting) -> NOT_HELD;

    /**
     * Takes the feed's lock, waiting while a run of it is under way on another node ({@code waiting} is called once,
     * when the wait begins).
     */
    Held acquire(String feed, Runnable waiting) throws InterruptedException;
}
