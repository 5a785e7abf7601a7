package org.yofacturoyampi.routes.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/** A feed's run lock is released on every exit path of a run, an Error included. */
class RunLockTest {

    @TempDir
    Path work;

    private final YoFacturoStub yofacturo = new YoFacturoStub().issuesSession();

    @AfterEach
    void stopStub() {
        yofacturo.close();
    }

    /** A downstream that fails with an Error (not an Exception) the first time it is called. */
    public static final class FailsWithAnError {
        static final AtomicInteger CALLS = new AtomicInteger();

        public void take(String body) {
            if (CALLS.getAndIncrement() == 0) {
                throw new StackOverflowError("downstream blew its stack (test)");
            }
        }
    }

    private static void runOnce(RunningApp app) throws Exception {
        CompletableFuture.runAsync(() -> {
            try {
                app.context().createProducerTemplate().requestBodyAndHeader("direct:sync", null, "SyncFeed",
                        "yofacturo-invoice-batches", String.class);
            } catch (RuntimeException e) {
                // the run failed; what matters is whether the next one can run
            }
        }).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aRunThatEndsWithAnErrorReleasesItsFeedSoTheNextRunRuns() throws Exception {
        // given a batch downstream that fails with an Error on its first call
        FailsWithAnError.CALLS.set(0);
        yofacturo.listsBatches(YoFacturoStub.batches(2));
        try (RunningApp app = RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("yofacturo.invoice-batches-to", "class:" + FailsWithAnError.class.getName() + "?method=take")
                .start()) {
            // when a run meets the Error
            runOnce(app);

            // then the next run is not blocked by the first: it runs and delivers
            runOnce(app);
            assertThat(FailsWithAnError.CALLS.get()).isGreaterThanOrEqualTo(3);
        }
    }
}
