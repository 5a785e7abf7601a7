package org.yofacturoyampi.routes.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SchedulePolls;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * A session that YoFacturo gives already expired is an error said once, not a sessions call per request. On Camel's
 * test kit ({@link CamelMainTest}): the real app polling a WireMock YoFacturo every second, the polls counted with a
 * {@link NotifyBuilder} on the schedule's route. The log is captured from before the context starts, as the start-up
 * session check is where the expired session is first met.
 */
@CamelMainTest
class ExpiredSessionTest extends SharedAppContext {

    private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

    // from before the context starts (this instance is made before it), so that the start-up check's lines are in it
    private final LogCapture log = LogCapture.start();

    @Configure
    void theAppPollingEverySecond(MainConfigurationProperties main) {
        // given the sessions call answers a session that expired an hour ago (a clock off by hours, say)
        yofacturo.issuesSession(YoFacturoStub.TOKEN, Instant.now().minus(1, ChronoUnit.HOURS))
                .listsBatches(YoFacturoStub.batches(2));
        RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND).configure(main);
    }

    @AfterAll
    void stopCapturing() {
        log.close();
    }

    @Test
    void aSessionThatHasAlreadyExpiredIsSaidOnceAndNotAskedForAgainAtEveryPoll() {
        // when the poll runs every second, five times
        NotifyBuilder fivePolls = SchedulePolls.done(context, "yofacturo-invoice-batches-schedule", 5);
        assertThat(fivePolls.matches(30, TimeUnit.SECONDS)).as("five polls done").isTrue();
        // (each said in its run's report line)
        await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().stream()
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
