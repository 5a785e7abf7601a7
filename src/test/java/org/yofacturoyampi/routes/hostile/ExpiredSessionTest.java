package org.yofacturoyampi.routes.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/** A session that YoFacturo gives already expired is an error said once, not a sessions call per request. */
class ExpiredSessionTest {

    @TempDir
    Path work;

    private final YoFacturoStub yofacturo = new YoFacturoStub();

    @AfterEach
    void stopStub() {
        yofacturo.close();
    }

    @Test
    void aSessionThatHasAlreadyExpiredIsSaidOnceAndNotAskedForAgainAtEveryPoll() throws Exception {
        // given the sessions call answers a session that expired an hour ago (a clock off by hours, say)
        yofacturo.issuesSession(YoFacturoStub.TOKEN, Instant.now().minus(1, ChronoUnit.HOURS))
                .listsBatches(YoFacturoStub.batches(2));

        try (LogCapture log = LogCapture.start();
             RunningApp app = RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                     .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND).start()) {
            // when the poll runs every second, five times
            await().atMost(Duration.ofSeconds(30)).until(() -> log.lines().stream()
                    .filter(l -> l.contains("yofacturo-invoice-batches (schedule)")).count() >= 5);

            // then one sessions call was made (the start-up check), and no data request with that session
            assertThat(yofacturo.sessionCalls()).isEqualTo(1);
            assertThat(yofacturo.dataCalls()).isZero();
            // and it was said once, in one WARN line, without the token
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("had already expired")).hasSize(1)
                    .allSatisfy(l -> assertThat(l).doesNotContain(YoFacturoStub.TOKEN).doesNotContain("\n"));
            assertThat(log.all()).doesNotContain(YoFacturoStub.TOKEN);
        }
    }
}
