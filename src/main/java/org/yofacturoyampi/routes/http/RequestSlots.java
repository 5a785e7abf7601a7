package org.yofacturoyampi.routes.http;

import org.apache.camel.Exchange;

/**
 * How many requests one tenant (a YoFacturo organisation, a Yampi token) has in flight at once: at most {@code max}
 * (yofacturo.max-concurrent-requests, yampi.max-concurrent-requests). A request takes a slot before it is sent and
 * gives it back once it is done, its retries included ({@link #take}, {@link #give}). A request that has to wait for
 * the rate-limit gate gives its slot back while it waits and takes one again after ({@link #awaitClearance}), so that
 * no slot is held by a request that may not be sent.
 * <p>
 * After a 429 ({@link #limited}) one request at a time is let through, until one taken after that 429 goes through
 * ({@link #passed}; requests that were already out when the 429 came do not count): when the wait is over, one
 * request tries the API before the others follow it, rather than all of them at once meeting another 429. Every
 * request still waits for the gate: the slots decide how many go once it is open, never when.
 */
public final class RequestSlots {

    /** Exchange property: the slot a request holds (set by {@link #take}, removed by {@link #give}). */
    public static final String HELD = "yyrRequestSlot";

    private final int max;
    /** How many may be in flight now: max, or 1 after a 429 until a request taken after it goes through. */
    private volatile int open;
    /** Counts the 429s: a slot taken before the latest one says nothing about the API after it. */
    private volatile long limits;
    private int inFlight;

    /** One request's slot: whose, and how many 429s had come when it was taken. */
    private record Slot(RequestSlots slots, long limitsWhenTaken) {
    }

    public RequestSlots(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one request must be allowed in flight, not " + max);
        }
        this.max = max;
        this.open = max;
    }

    public int max() {
        return max;
    }

    /** Blocks until the exchange's request may be in flight, and marks the exchange as holding a slot. */
    public void take(Exchange exchange) throws InterruptedException {
        acquire();
        exchange.setProperty(HELD, new Slot(this, limits));
    }

    /** The exchange's request is done (answered, or given up): its slot goes to the next request. */
    public void give(Exchange exchange) {
        if (holds(exchange)) {
            exchange.removeProperty(HELD);
            release();
        }
    }

    private boolean holds(Exchange exchange) {
        return exchange.getProperty(HELD) instanceof Slot slot && slot.slots() == this;
    }

    /**
     * Waits until the gate lets requests through. A request that holds a slot gives it back while the gate is closed,
     * then takes one again, and waits once more should the gate have closed meanwhile; a request without a slot (a
     * sessions call, a submission) waits for the gate alone.
     */
    public void awaitClearance(Exchange exchange, RateLimitGate gate) throws InterruptedException {
        if (!holds(exchange) || !gate.isClosed()) {
            gate.awaitClearance();
            return;
        }
        give(exchange);
        while (true) {
            gate.awaitClearance();
            take(exchange);
            if (!gate.isClosed()) {
                return;
            }
            give(exchange);
        }
    }

    /** The API answered 429: one request at a time until one taken from now on goes through. */
    public synchronized void limited() {
        limits++;
        open = 1;
    }

    /**
     * The exchange's request went through: if it was taken after the latest 429, the API takes requests again, and
     * {@code max} may be in flight. (A request without a slot, or one sent before the 429, changes nothing.)
     */
    public void passed(Exchange exchange) {
        if (open < max && exchange.getProperty(HELD) instanceof Slot slot && slot.slots() == this) {
            synchronized (this) {
                if (slot.limitsWhenTaken() == limits) {
                    open = max;
                    notifyAll();
                }
            }
        }
    }

    /** Requests in flight now. */
    public synchronized int inFlight() {
        return inFlight;
    }

    private synchronized void acquire() throws InterruptedException {
        while (inFlight >= open) {
            wait();
        }
        inFlight++;
    }

    private synchronized void release() {
        inFlight--;
        notifyAll();
    }
}
