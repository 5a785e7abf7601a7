package org.yofacturoyampi.routes.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.TestClock;

/**
 * One API's rate-limit gate on a clock the test moves: how long a 429 closes it (Retry-After, else a backoff that grows
 * once per round), its cap, and a wait shared through a store as the nodes of a cluster share it. No HTTP, no Camel.
 */
class RateLimitGateTest {

    private static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T12:00:00Z"));
    private final RateLimitGate gate = new RateLimitGate("Test", MAX_WAIT, clock);

    private static HttpOperationFailedException tooMany(Map<String, String> headers) {
        return new HttpOperationFailedException("http://api/x", 429, "Too Many Requests", null, headers, "");
    }

    /** Whether the gate is closed {@code after} from now, the clock left there. */
    private boolean closedAfter(RateLimitGate g, Duration after) {
        clock.advance(after);
        return g.isClosed();
    }

    @Test
    void anOpenGateLetsARequestGoAtOnce() throws Exception {
        long start = System.nanoTime();

        gate.awaitClearance();

        assertThat(gate.isClosed()).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(500);
    }

    @Test
    void whileAWaitIsPendingARequestFromAnyRouteWaitsAndGoesOnceItIsOver() throws Exception {
        // given one route met a 429 asking for 2 seconds
        gate.limited(tooMany(Map.of("Retry-After", "2")));

        // when another route's request asks to go
        Thread request = new Thread(() -> {
            try {
                gate.awaitClearance();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        request.start();

        // then it waits while the clock stands still, and goes once the wait is over
        request.join(300);
        assertThat(request.isAlive()).isTrue();
        clock.advance(Duration.ofSeconds(2));
        request.join(3000);
        assertThat(request.isAlive()).isFalse();
    }

    @Test
    void retryAfterInSecondsClosesTheGateForThatLong() {
        gate.limited(tooMany(Map.of("Retry-After", "7")));

        assertThat(closedAfter(gate, Duration.ofMillis(6900))).isTrue();
        assertThat(closedAfter(gate, Duration.ofMillis(100))).isFalse();
    }

    @Test
    void retryAfterAsAnHttpDateClosesTheGateUntilThenOnThisGatesClock() {
        // given the clock says 12:00:00 and the API asks for 12:00:30 (any header case)
        gate.limited(tooMany(Map.of("retry-after", "Wed, 02 Dec 2026 12:00:30 GMT")));

        assertThat(closedAfter(gate, Duration.ofSeconds(29))).isTrue();
        assertThat(closedAfter(gate, Duration.ofSeconds(1))).isFalse();
    }

    @Test
    void retryAfterInThePastAsksForNoWait() {
        gate.limited(tooMany(Map.of("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")));

        assertThat(gate.isClosed()).isFalse();
    }

    @Test
    void anUnreadableRetryAfterIsTakenForNoneAndTheBackoffApplies() {
        gate.limited(tooMany(Map.of("Retry-After", "soon")));

        assertThat(closedAfter(gate, Duration.ofMillis(900))).isTrue();
        assertThat(closedAfter(gate, Duration.ofMillis(100))).isFalse();
    }

    @Test
    void withoutRetryAfterTheBackoffDoublesOncePerRoundNotOncePerRequestLimitedInIt() {
        // when three routes' requests, all sent before the first answer, are refused at once
        gate.limited(tooMany(Map.of()));
        gate.limited(tooMany(Map.of()));
        gate.limited(tooMany(Map.of()));

        // then the gate waits the first backoff, 1 s, not 4 s
        assertThat(closedAfter(gate, Duration.ofMillis(900))).isTrue();
        assertThat(closedAfter(gate, Duration.ofMillis(100))).isFalse();

        // and when the next round is refused too, it waits 2 s
        gate.limited(tooMany(Map.of()));
        assertThat(closedAfter(gate, Duration.ofMillis(1900))).isTrue();
        assertThat(closedAfter(gate, Duration.ofMillis(100))).isFalse();
    }

    @Test
    void aRequestThatWentThroughStartsTheBackoffFromTheBeginning() {
        // given two rounds refused (the next wait would be 4 s)
        gate.limited(tooMany(Map.of()));
        clock.advance(Duration.ofSeconds(1));
        gate.limited(tooMany(Map.of()));
        clock.advance(Duration.ofSeconds(2));

        // when a request goes through, and a later one is refused
        gate.passed();
        gate.limited(tooMany(Map.of()));

        // then the wait is 1 s again
        assertThat(closedAfter(gate, Duration.ofMillis(900))).isTrue();
        assertThat(closedAfter(gate, Duration.ofMillis(100))).isFalse();
    }

    @Test
    void theBackoffStopsGrowingAtTheConfiguredMaximum() {
        // given a cap of 5 seconds
        RateLimitGate capped = new RateLimitGate("Test", Duration.ofSeconds(5), clock);

        // when round after round is refused without Retry-After: 1, 2, 4, then 5 and 5 s (not 8, 16)
        for (Duration wait : new Duration[] {Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(5), Duration.ofSeconds(5)}) {
            capped.limited(tooMany(Map.of()));

            // then each round waits its time, no longer
            assertThat(closedAfter(capped, wait.minusMillis(100))).as("closed before the %s wait ends", wait).isTrue();
            assertThat(closedAfter(capped, Duration.ofMillis(100))).as("open once the %s wait is over", wait).isFalse();
        }
    }

    @Test
    void aLongRetryAfterIsCappedAtTheConfiguredMaximum() {
        // when the API asks for an hour
        gate.limited(tooMany(Map.of("Retry-After", "3600")));

        // then the gate opens again after the cap
        assertThat(closedAfter(gate, MAX_WAIT.minusSeconds(1))).isTrue();
        assertThat(closedAfter(gate, Duration.ofSeconds(1))).isFalse();
    }

    @Test
    void aShorterWaitDoesNotOpenAGateALongerOneClosed() {
        // given a 429 asking for 60 s
        gate.limited(tooMany(Map.of("Retry-After", "60")));

        // when another route's 429 asks for 1 s
        gate.limited(tooMany(Map.of("Retry-After", "1")));

        // then the gate stays closed for the 60 s
        assertThat(closedAfter(gate, Duration.ofSeconds(59))).isTrue();
    }

    /** A store two gates share, as two nodes share the cluster's table. */
    private static final class SharedStore implements RateLimitStore {
        private volatile Instant until = Instant.EPOCH;

        @Override
        public Instant noRequestBefore() {
            return until;
        }

        @Override
        public synchronized void closeUntil(Instant later) {
            if (later.isAfter(until)) {
                until = later;
            }
        }
    }

    @Test
    void aWaitOneNodeMetHoldsAnotherNodeAndANodeStartedDuringIt() {
        // given two nodes' gates on one store, and node a met a 429 asking for 2 seconds
        SharedStore store = new SharedStore();
        RateLimitGate a = new RateLimitGate("Test", MAX_WAIT, clock, store);
        RateLimitGate b = new RateLimitGate("Test", MAX_WAIT, clock, store);
        a.limited(tooMany(Map.of("Retry-After", "2")));

        // then node b is closed too, and so is a node that starts (or restarts) now
        RateLimitGate restarted = new RateLimitGate("Test", MAX_WAIT, clock, store);
        assertThat(b.isClosed()).isTrue();
        assertThat(restarted.isClosed()).isTrue();

        // and all open once the wait is over
        clock.advance(Duration.ofSeconds(2));
        assertThat(b.isClosed()).isFalse();
        assertThat(restarted.isClosed()).isFalse();
    }

    @Test
    void withoutAStoreAnotherGateIsNotHeld() {
        RateLimitGate a = new RateLimitGate("Test", MAX_WAIT, clock);
        RateLimitGate b = new RateLimitGate("Test", MAX_WAIT, clock);

        a.limited(tooMany(Map.of("Retry-After", "2")));

        assertThat(a.isClosed()).isTrue();
        assertThat(b.isClosed()).isFalse();
    }
}
