package org.yofacturoyampi.routes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One tenant's request slots, exchange by exchange: how many go at once, the one-at-a-time probe after a 429, and
 * who reopens it. No HTTP, and a Camel context that is never started (exchanges need one).
 */
class RequestSlotsTest {

    private final CamelContext context = new DefaultCamelContext();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private Exchange request() {
        return new DefaultExchange(context);
    }

    /** Takes a slot for the exchange on another thread: the future is done once the slot is held. */
    private Future<Exchange> takeLater(RequestSlots slots, Exchange exchange) {
        return threads.submit(() -> {
            slots.take(exchange);
            return exchange;
        });
    }

    private static boolean waitsStill(Future<?> future) throws Exception {
        try {
            future.get(200, TimeUnit.MILLISECONDS);
            return false;
        } catch (TimeoutException e) {
            return true;
        }
    }

    @Test
    void atMostMaxRequestsAreInFlightAndTheNextGoesWhenOneIsGiven() throws Exception {
        // given two slots, both taken
        RequestSlots slots = new RequestSlots(2);
        Exchange first = request();
        slots.take(first);
        slots.take(request());

        // when a third request asks for one
        Future<Exchange> third = takeLater(slots, request());

        // then it waits until a request is done, and goes then
        assertThat(waitsStill(third)).isTrue();
        assertThat(slots.inFlight()).isEqualTo(2);
        slots.give(first);
        assertThat(third.get(5, TimeUnit.SECONDS).getProperty(RequestSlots.HELD)).isNotNull();
        assertThat(slots.inFlight()).isEqualTo(2);
    }

    @Test
    void givingTwiceOrWithoutASlotFreesNothing() throws Exception {
        RequestSlots slots = new RequestSlots(1);
        Exchange held = request();
        slots.take(held);

        slots.give(request());
        assertThat(slots.inFlight()).isEqualTo(1);

        slots.give(held);
        slots.give(held);
        assertThat(slots.inFlight()).isZero();
    }

    @Test
    void afterA429OneRequestAtATimeGoesUntilOneTakenAfterItPasses() throws Exception {
        // given four slots, and a 429 while two requests were out
        RequestSlots slots = new RequestSlots(4);
        Exchange outBefore = request();
        slots.take(outBefore);
        Exchange alsoOutBefore = request();
        slots.take(alsoOutBefore);
        slots.limited();
        slots.give(alsoOutBefore);

        // when a request sent before the 429 goes through
        slots.passed(outBefore);
        slots.give(outBefore);

        // then that says nothing about the API after the 429: one request at a time
        Exchange probe = request();
        slots.take(probe);
        Future<Exchange> next = takeLater(slots, request());
        assertThat(waitsStill(next)).isTrue();

        // when the probe, taken after the 429, goes through
        slots.passed(probe);

        // then all four slots are open again
        assertThat(next.get(5, TimeUnit.SECONDS)).isNotNull();
        slots.take(request());
        slots.take(request());
        assertThat(slots.inFlight()).isEqualTo(4);
    }

    @Test
    void aRequestHoldingASlotGivesItBackWhileTheGateIsClosed() throws Exception {
        // given one slot, held by a request, and a gate closed by a 429 asking for 1 second
        RequestSlots slots = new RequestSlots(1);
        RateLimitGate gate = new RateLimitGate("Test", Duration.ofMinutes(1), Clock.systemUTC());
        gate.limited(new HttpOperationFailedException("http://api/x", 429,
                "Too Many Requests", null, Map.of("Retry-After", "1"), ""));
        Exchange waiting = request();
        slots.take(waiting);

        // when it waits for the gate
        CompletableFuture<Void> cleared = CompletableFuture.runAsync(() -> {
            try {
                slots.awaitClearance(waiting, gate);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, threads);

        // then its slot is free meanwhile, and it holds one again once the gate opens
        Exchange other = request();
        Future<Exchange> meanwhile = takeLater(slots, other);
        assertThat(meanwhile.get(5, TimeUnit.SECONDS)).isSameAs(other);
        assertThat(cleared.isDone()).isFalse();
        slots.give(other);
        cleared.get(5, TimeUnit.SECONDS);
        assertThat(waiting.getProperty(RequestSlots.HELD)).isNotNull();
        assertThat(slots.inFlight()).isEqualTo(1);
    }

    @Test
    void noSlotIsRefusedAtConstruction() {
        assertThatThrownBy(() -> new RequestSlots(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one request");
    }
}
