package org.yofacturoyampi.routes.yofacturo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.YoFacturoStub;

class ApiKeyConfigurationTest {

    @TempDir
    Path work;

    private final YoFacturoStub yofacturo = new YoFacturoStub();

    @AfterEach
    void stopStub() {
        yofacturo.close();
    }

    @Test
    void withoutAnApiKeyTheYoFacturoRoutesDoNotStartAndOneLineSaysWhatToSet() {
        // given no api key
        try (LogCapture log = LogCapture.start();
             RunningApp app = RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), "")
                     .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND).start()) {

            // then no YoFacturo route runs, nothing is asked of YoFacturo
            assertThat(app.isRouteStarted("yofacturo-invoice-batches")).isFalse();
            assertThat(app.isRouteStarted("yofacturo-session-renew")).isFalse();
            assertThat(yofacturo.sessionCalls() + yofacturo.dataCalls()).isZero();

            // and exactly one line names the variable to set
            List<String> told = log.lines().stream().filter(l -> l.contains("YOFACTURO_API_KEY")).toList();
            assertThat(told).hasSize(1);
            assertThat(told.get(0)).startsWith("WARN").contains("set YOFACTURO_API_KEY");
        }
    }

    @Test
    void aRejectedKeyGivesOneErrorLineNoDataRequestsAndCalmRetries() throws Exception {
        // given a key YoFacturo rejects (the stub answers 401 Invalid API key), polls and checks every second
        String rejectedKey = "org_test_FAKE_REJECTED_9999";
        try (LogCapture log = LogCapture.start();
             RunningApp app = RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), rejectedKey)
                     .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND)
                     .property("yofacturo.session-cron", "0/2 * * * * ?").start()) {

            // when a few seconds of polls and checks pass
            await().atMost(Duration.ofSeconds(5)).until(() -> yofacturo.sessionCalls() >= 1);
            Thread.sleep(4500);

            // then one ERROR line names YOFACTURO_API_KEY, never the key
            List<String> errors = log.linesAt(Level.ERROR);
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0)).contains("YOFACTURO_API_KEY").doesNotContain(rejectedKey);
            assertThat(log.all()).doesNotContain(rejectedKey);
            // no data request was sent
            assertThat(yofacturo.dataCalls()).isZero();
            // and sessions were retried only at the session checks (start-up + one every 2 s), not by every poll
            assertThat(yofacturo.sessionCalls()).isBetween(2, 5);
        }
    }
}
