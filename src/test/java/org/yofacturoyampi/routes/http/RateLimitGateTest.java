package org.yofacturoyampi.routes.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
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

    @Test
    void aLongRetryAfterIsCappedAtTheConfiguredMaximum() {
        // given a cap of 1 second
        RateLimitGate gate = new RateLimitGate("Test", Duration.ofSeconds(1), Clock.systemUTC());

        // when the API asks for an hour
        gate.limited(tooMany(Map.of("Retry-After", "3600")));

        // then the gate opens again after the cap
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> !gate.isClosed());
    }
}
