package org.yofacturoyampi.routes.yofacturo;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/** The session of one organisation kept in this process only: one node, or no cluster. */
public final class InMemorySessionStore implements SessionStore {

    private final ReentrantLock lock = new ReentrantLock();
    private volatile YoFacturoSession session;

    @Override
    public YoFacturoSession read() {
        return session;
    }

    @Override
    public YoFacturoSession update(UnaryOperator<YoFacturoSession> change) {
        lock.lock();
        try {
            session = change.apply(session);
            return session;
        } finally {
            lock.unlock();
        }
    }
}
