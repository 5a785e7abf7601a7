package org.yofacturoyampi.routes.sandbox;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * What lies between a client and one simulated API: every request waits the latency (a fixed part and a random
 * jitter from 0 to the jitter) before the API sees it, as a real API's answers take tens to hundreds of milliseconds.
 * Counts the requests waiting at once, the most of which ({@link #mostInFlight}) tells how many a client had in flight.
 */
public final class SimulatedNetwork implements HttpHandler {

    private final HttpHandler api;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private volatile long fixedMillis;
    private volatile long jitterMillis;

    SimulatedNetwork(HttpHandler api, Duration fixed, Duration jitter) {
        this.api = api;
        latency(fixed, jitter);
    }

    /** Every request from now on waits {@code fixed} plus a random part of {@code jitter} (both at least zero). */
    public void latency(Duration fixed, Duration jitter) {
        if (fixed.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("a latency cannot be negative");
        }
        fixedMillis = fixed.toMillis();
        jitterMillis = jitter.toMillis();
    }

    /** The most requests that were in flight at once since the start or the last {@link #resetMostInFlight}. */
    public int mostInFlight() {
        return mostInFlight.get();
    }

    public void resetMostInFlight() {
        mostInFlight.set(inFlight.get());
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long wait = fixedMillis + (jitterMillis > 0 ? ThreadLocalRandom.current().nextLong(jitterMillis + 1) : 0);
        if (wait > 0) {
            // counted while the request travels: its answer is written after, so the client's next request (on the
            // slot this one frees) never overlaps it here
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.close();
                return;
            } finally {
                inFlight.decrementAndGet();
            }
        }
        api.handle(exchange);
    }
}
