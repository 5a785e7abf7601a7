package org.yofacturoyampi.routes.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * A feed's run lock is released on every exit path of a run, an Error included. On Camel's test kit
 * ({@link CamelMainTest}): the real app against a WireMock YoFacturo, its batch downstream a bean of this test bound in
 * the context's registry.
 */
@CamelMainTest
class RunLockTest extends SharedAppContext {

    private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

    @BindToRegistry("failsWithAnError")
    private final FailsWithAnError downstream = new FailsWithAnError();

    /** A downstream that fails with an Error (not an Exception) the first time it is called. */
    public static final class FailsWithAnError {
        private final AtomicInteger calls = new AtomicInteger();

        public void take(String body) {
            if (calls.getAndIncrement() == 0) {
                throw new StackOverflowError("downstream blew its stack (test)");
            }
        }

        int calls() {
            return calls.get();
        }
    }

    @Configure
    void theAppDeliveringBatchesToADownstreamThatFailsWithAnErrorFirst(MainConfigurationProperties main) {
        // given two batches, and a batch downstream that fails with an Error on its first call
        yofacturo.listsBatches(YoFacturoStub.batches(2));
        RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("yofacturo.invoice-batches-to", "bean:failsWithAnError?method=take").configure(main);
    }

    private static void runOnce(CamelContext context) throws Exception {
        CompletableFuture.runAsync(() -> {
            try {
                context.createProducerTemplate().requestBodyAndHeader("direct:sync", null, "SyncFeed",
                        "yofacturo-invoice-batches", String.class);
            } catch (RuntimeException e) {
                // the run failed; what matters is whether the next one can run
            }
        }).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aRunThatEndsWithAnErrorReleasesItsFeedSoTheNextRunRuns() throws Exception {
        // when a run meets the Error
        runOnce(context);

        // then the next run is not blocked by the first: it runs and delivers
        runOnce(context);
        assertThat(downstream.calls()).isGreaterThanOrEqualTo(3);
    }
}
