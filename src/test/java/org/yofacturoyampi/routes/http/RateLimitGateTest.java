package org.yofacturoyampi.routes.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;

class RateLimitGateTest {

    private static HttpOperationFailedException tooMany(Map<String, String> headers) {
        return new HttpOperationFailedException("http://api/x", 429, "Too Many Requests", null, headers, "");
    }

    @Test
    void whileAWaitIsPendingARequestFromAnyOtherRouteWaitsToo() throws Exception {
        // given one route hit a 429 asking for 1 second
        RateLimitGate gate = new RateLimitGate("Test", Duration.ofMinutes(5), Clock.systemUTC());
        gate.limited(tooMany(Map.of("Retry-After", "1")));

        // when another route's request asks to go
        long start = System.nanoTime();
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            try {
                gate.awaitClearance();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        other.get(5, TimeUnit.SECONDS);

        // then it went only after the wait
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(900);
        assertThat(gate.isClosed()).isFalse();
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(RateLimitGate.retryAfter(Map.of("Retry-After", "7"))).isEqualTo(Duration.ofSeconds(7));
        assertThat(RateLimitGate.retryAfter(Map.of("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")))
                .isEqualTo(Duration.ZERO);
        assertThat(RateLimitGate.retryAfter(Map.of("Retry-After", "soon"))).isNull();
        assertThat(RateLimitGate.retryAfter(Map.of())).isNull();
    }

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-12-02T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void withoutRetryAfterTheBackoffDoublesOncePerRoundNotOncePerRequestLimitedInIt() {
        // given a gate, and an API whose throttle answers 429 without Retry-After (Yampi's upstream: "Retry later")
        TestClock clock = new TestClock();
        RateLimitGate gate = new RateLimitGate("Test", Duration.ofMinutes(5), clock);

        // when three routes' requests, all sent before the first answer, are refused at once
        gate.limited(tooMany(Map.of()));
        gate.limited(tooMany(Map.of()));
        gate.limited(tooMany(Map.of()));

        // then the gate waits the first backoff, 1 s, not 4 s
        clock.advance(Duration.ofMillis(1100));
        assertThat(gate.isClosed()).isFalse();

        // and when the next round is refused too, it waits 2 s
        gate.limited(tooMany(Map.of()));
        clock.advance(Duration.ofMillis(1900));
        assertThat(gate.isClosed()).isTrue();
        clock.advance(Duration.ofMillis(200));
        assertThat(gate.isClosed()).isFalse();
    }

    @Test
    void aLongRetryAfterIsCappedAtTheConfiguredMaximum() {
        // given a cap of 1 second
        RateLimitGate gate = new RateLimitGate("Test", Duration.ofSeconds(1), Clock.systemUTC());

        // when the API asks for an hour
        gate.limited(tooMany(Map.of("Retry-After", "3600")));

        // then the gate opens again after the cap
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> !gate.isClosed());
    }

    /** A store two gates share, as two nodes share the cluster's table. */
    private static final class SharedStore implements RateLimitStore {
        private volatile java.time.Instant until = java.time.Instant.EPOCH;

        @Override
        public java.time.Instant noRequestBefore() {
            return until;
        }

        @Override
        public synchronized void closeUntil(java.time.Instant later) {
            if (later.isAfter(until)) {
                until = later;
            }
        }
    }

    @Test
    void aWaitOneNodeMetHoldsAnotherNodeAndANodeStartedDuringIt() throws Exception {
        // given two nodes' gates on one store, and node a met a 429 asking for 2 seconds
        SharedStore store = new SharedStore();
        RateLimitGate a = new RateLimitGate("Test", Duration.ofMinutes(5), Clock.systemUTC(), store);
        RateLimitGate b = new RateLimitGate("Test", Duration.ofMinutes(5), Clock.systemUTC(), store);
        a.limited(tooMany(Map.of("Retry-After", "2")));

        // then node b is closed too, and so is a node that starts (or restarts) now
        assertThat(b.isClosed()).isTrue();
        RateLimitGate restarted = new RateLimitGate("Test", Duration.ofMinutes(5), Clock.systemUTC(), store);
        long start = System.nanoTime();
        restarted.awaitClearance();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(1500);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> !b.isClosed());
    }

    @Test
    void withoutAStoreAnotherGateIsNotHeld() {
        RateLimitGate a = new RateLimitGate("Test", Duration.ofMinutes(5), Clock.systemUTC());
        RateLimitGate b = new RateLimitGate("Test", Duration.ofMinutes(5), Clock.systemUTC());

        a.limited(tooMany(Map.of("Retry-After", "2")));

        assertThat(a.isClosed()).isTrue();
        assertThat(b.isClosed()).isFalse();
    }
}
