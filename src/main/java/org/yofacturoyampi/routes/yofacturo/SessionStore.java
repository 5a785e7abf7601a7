package org.yofacturoyampi.routes.yofacturo;

import java.util.function.UnaryOperator;

/**
 * Where an organisation's YoFacturo session is kept: in this process ({@link InMemorySessionStore}, the default), or in
 * a database every node of a cluster shares, so that the whole cluster holds one session per organisation.
 */
public interface SessionStore {

    /** The stored session, or null; does not wait for a renewal in progress. */
    YoFacturoSession read();

    /**
     * Changes the stored session while holding the store's lock for this organisation: one holder at a time, in this
     * process or, for a shared store, in the whole cluster. {@code change} gets the stored session (null when there is
     * none) and returns the one to store (null drops it); when it throws, the stored session stays as it was.
     *
     * @return the session stored now
     */
    YoFacturoSession update(UnaryOperator<YoFacturoSession> change);
}
