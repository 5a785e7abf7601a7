package org.yofacturoyampi.routes.yofacturo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * How the scheduled invoice-batch poll meets YoFacturo's faults (a revoked session, a session refused even when fresh,
 * rate limits, 5xx bursts, an outage, a hung API, a reset connection) and a refusing or HTTP downstream, on Camel's
 * test kit: each nested class is one configuration of the real app ({@link CamelMainTest}) against a WireMock
 * YoFacturo whose fault is stubbed in its {@code @Configure}, before the context starts, since the first poll (or the
 * start-up session check) must meet it. No two of them share the fault, so each has a context of its own. Where a
 * test reads the log, the capture is open before the context starts and closed after its test.
 */
@CamelMainTest
class FaultToleranceTest {

    private static final String LIST = "/api/v1/invoice_batches";

    private static RunningApp.Builder app(Path work, YoFacturoStub yofacturo) {
        return RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY);
    }

    private static RunningApp.Builder pollingEverySecond(Path work, YoFacturoStub yofacturo) {
        return app(work, yofacturo).property("yofacturo.poll-cron", RunningApp.EVERY_SECOND)
                .property("http.retry-delay", "100");
    }

    private static long files(Path work, String dir) throws IOException {
        return JsonFiles.in(work.resolve("out/yofacturo/" + dir));
    }

    private static List<LoggedRequest> listRequests(YoFacturoStub yofacturo) {
        return yofacturo.server().findAll(getRequestedFor(urlPathEqualTo(LIST)));
    }

    private static ResponseDefinitionBuilder okJson(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    @Nested
    class ARevokedSessionToken extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        @Configure
        void theAppPollingEverySecond(MainConfigurationProperties main) {
            // given a first session whose token YoFacturo stops accepting, and a second one it accepts
            Instant tomorrow = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
            yofacturo.server().stubFor(post("/api/v1/auth/sessions").atPriority(1).inScenario("sessions")
                    .whenScenarioStateIs(STARTED).willSetStateTo("second")
                    .willReturn(okJson("{\"session_token\":\"sess_FAKE_REVOKED\",\"expires_at\":\"" + tomorrow + "\"}")));
            yofacturo.server().stubFor(post("/api/v1/auth/sessions").atPriority(1).inScenario("sessions")
                    .whenScenarioStateIs("second")
                    .willReturn(okJson("{\"session_token\":\"" + YoFacturoStub.TOKEN + "\",\"expires_at\":\"" + tomorrow + "\"}")));
            yofacturo.listsBatches(YoFacturoStub.batches(3));
            pollingEverySecond(work, yofacturo).configure(main);
        }

        @Test
        void aRevokedSessionIsRenewedOnceAndTheRequestSentAgain() {
            // when a poll runs with the revoked token
            await().atMost(Duration.ofSeconds(10)).until(() -> files(work, "invoice-batches") == 3);

            // then one renewal was made and the refused request was sent again with the new token
            assertThat(yofacturo.sessionCalls()).isEqualTo(2);
            assertThat(listRequests(yofacturo).get(0).getHeader("Authorization")).isEqualTo("Bearer sess_FAKE_REVOKED");
            assertThat(listRequests(yofacturo).get(1).getHeader("Authorization")).isEqualTo("Bearer " + YoFacturoStub.TOKEN);
        }
    }

    @Nested
    class ASessionRefusedEvenWhenFresh extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());
        private final LogCapture log = LogCapture.start();

        @Configure
        void theAppPollingEveryThreeSeconds(MainConfigurationProperties main) {
            // given YoFacturo issues sessions but refuses every data call (the stub's default 401)
            yofacturo.issuesSession("sess_FAKE_USELESS", Instant.now().plus(1, ChronoUnit.DAYS));
            app(work, yofacturo).property("yofacturo.poll-cron", "0/3 * * * * ?").configure(main);
        }

        @AfterAll
        void stopCapturing() {
            log.close();
        }

        @Test
        void aSecond401RightAfterAFreshSessionIsAnErrorNotALoop() {
            // when one poll runs
            await().atMost(Duration.ofSeconds(8)).until(() -> log.linesAt(Level.WARN).stream()
                    .anyMatch(l -> l.contains("poll stopped")));

            // then the first poll tried twice (one renewal) and said so in one WARN line, without the token
            String warn = log.linesAt(Level.WARN).stream().filter(l -> l.contains("poll stopped")).findFirst().get();
            assertThat(warn).contains("yofacturo-invoice-batches").contains("HTTP 401").doesNotContain("sess_FAKE");
            assertThat(listRequests(yofacturo)).hasSize(2);
            assertThat(yofacturo.sessionCalls()).isEqualTo(2);
        }
    }

    @Nested
    class ARateLimitWithRetryAfter extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        @Configure
        void theAppPollingEverySecond(MainConfigurationProperties main) {
            // given the first list call is rate limited with Retry-After: 2
            yofacturo.issuesSession().listsBatches(YoFacturoStub.batches(2));
            yofacturo.server().stubFor(get(urlPathEqualTo(LIST)).atPriority(0).inScenario("limit")
                    .whenScenarioStateIs(STARTED).willSetStateTo("open")
                    .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
                            .withBody("{\"error\":{\"code\":\"too_many_requests\",\"message\":\"slow down\"}}")));
            pollingEverySecond(work, yofacturo).configure(main);
        }

        @Test
        void a429WaitsTheRetryAfterSecondsThenRetries() {
            // when a poll runs
            await().atMost(Duration.ofSeconds(12)).until(() -> files(work, "invoice-batches") == 2);

            // then the retry came no sooner than 2 seconds after the 429
            List<LoggedRequest> calls = listRequests(yofacturo);
            long gap = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
            assertThat(gap).isGreaterThanOrEqualTo(1900);
        }
    }

    @Nested
    class ARateLimitWithoutRetryAfter extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        @Configure
        void theAppPollingEverySecond(MainConfigurationProperties main) {
            // given the first two list calls are rate limited without Retry-After
            yofacturo.issuesSession().listsBatches(YoFacturoStub.batches(1));
            yofacturo.server().stubFor(get(urlPathEqualTo(LIST)).atPriority(0).inScenario("limit")
                    .whenScenarioStateIs(STARTED).willSetStateTo("once")
                    .willReturn(aResponse().withStatus(429)));
            yofacturo.server().stubFor(get(urlPathEqualTo(LIST)).atPriority(0).inScenario("limit")
                    .whenScenarioStateIs("once").willSetStateTo("open")
                    .willReturn(aResponse().withStatus(429)));
            pollingEverySecond(work, yofacturo).configure(main);
        }

        @Test
        void a429WithoutRetryAfterBacksOffAndRetries() {
            // when a poll runs
            await().atMost(Duration.ofSeconds(12)).until(() -> files(work, "invoice-batches") == 1);

            // then it waited 1 s, then 2 s (exponential backoff)
            List<LoggedRequest> calls = listRequests(yofacturo);
            assertThat(calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime())
                    .isGreaterThanOrEqualTo(900);
            assertThat(calls.get(2).getLoggedDate().getTime() - calls.get(1).getLoggedDate().getTime())
                    .isGreaterThanOrEqualTo(1900);
        }
    }

    @Nested
    class ABurstOf5xx extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        @Configure
        void theAppPollingEverySecond(MainConfigurationProperties main) {
            // given the first two list calls fail with 503 and 500
            yofacturo.issuesSession().listsBatches(YoFacturoStub.batches(2));
            yofacturo.server().stubFor(get(urlPathEqualTo(LIST)).atPriority(0).inScenario("down")
                    .whenScenarioStateIs(STARTED).willSetStateTo("still").willReturn(aResponse().withStatus(503)));
            yofacturo.server().stubFor(get(urlPathEqualTo(LIST)).atPriority(0).inScenario("down")
                    .whenScenarioStateIs("still").willSetStateTo("up").willReturn(aResponse().withStatus(500)));
            pollingEverySecond(work, yofacturo).configure(main);
        }

        @Test
        void aBurstOf5xxIsRedeliveredAndTheBatchesArrive() {
            // when a poll runs
            await().atMost(Duration.ofSeconds(10)).until(() -> files(work, "invoice-batches") == 2);

            // then the same page was asked three times within one poll
            assertThat(listRequests(yofacturo)).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Nested
    class AnOutage extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());
        private final LogCapture log = LogCapture.start();

        @Configure
        void theAppPollingEverySecond(MainConfigurationProperties main) {
            // given YoFacturo answers 500 to every list call
            yofacturo.issuesSession();
            yofacturo.server().stubFor(get(urlPathEqualTo(LIST)).atPriority(0).willReturn(aResponse().withStatus(500)));
            pollingEverySecond(work, yofacturo).configure(main);
        }

        @AfterAll
        void stopCapturing() {
            log.close();
        }

        @Test
        void anOutageEndsThePollCleanlyAndTheNextPollResumes() {
            // when a poll exhausts its redeliveries
            await().atMost(Duration.ofSeconds(10)).until(() -> log.all().contains("poll stopped"));
            // then it says so in one line, without a stack trace
            String stopped = log.lines().stream().filter(l -> l.contains("poll stopped")).findFirst().get();
            assertThat(stopped).contains("HTTP 500 from /api/v1/invoice_batches").doesNotContain("\tat ");
            assertThat(log.linesAt(Level.ERROR)).isEmpty();

            // and when YoFacturo is back, a later poll delivers
            yofacturo.server().removeStub(yofacturo.server().getStubMappings().stream()
                    .filter(m -> m.getPriority() != null && m.getPriority() == 0).findFirst().get());
            yofacturo.listsBatches(YoFacturoStub.batches(2));
            await().atMost(Duration.ofSeconds(15)).until(() -> files(work, "invoice-batches") == 2);
        }
    }

    @Nested
    class AHungApi extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());
        private final LogCapture log = LogCapture.start();

        @Configure
        void theAppPollingEveryThreeSecondsWithA1sReadTimeout(MainConfigurationProperties main) {
            // given YoFacturo accepts the connection but answers the list only after 2.5 seconds, well past the 1 s
            // timeout (WireMock holds its stop until every delayed answer is sent: a longer delay only makes the test
            // wait longer)
            yofacturo.issuesSession();
            yofacturo.server().stubFor(get(urlPathEqualTo(LIST)).atPriority(0)
                    .willReturn(aResponse().withStatus(200).withFixedDelay(2500).withBody("{}")));
            // (a poll every 3 s, not every second: a poll of two 1 s timeouts then ends before the next one starts, so
            // stopping the app does not wait for a second hung poll)
            pollingEverySecond(work, yofacturo).property("yofacturo.poll-cron", "0/3 * * * * ?")
                    .property("camel.component.http.response-timeout", "1000")
                    .property("camel.component.http.so-timeout", "1000").property("http.retries", "1").configure(main);
        }

        @AfterAll
        void stopCapturing() {
            log.close();
        }

        @Test
        void aHungApiTimesOutIsRetriedAndThePollEndsCleanly() {
            // when a poll runs with a 1 s read timeout (a loaded machine's sessions call still fits in it)
            await().atMost(Duration.ofSeconds(15)).until(() -> log.all().contains("poll stopped"));

            // then the request was tried twice (one redelivery) and the poll ended with one line naming the timeout
            assertThat(listRequests(yofacturo)).hasSizeGreaterThanOrEqualTo(2);
            String stopped = log.lines().stream().filter(l -> l.contains("poll stopped")).findFirst().get();
            assertThat(stopped).containsIgnoringCase("timeout");
        }
    }

    @Nested
    class AConnectionReset extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        @Configure
        void theAppPollingEverySecond(MainConfigurationProperties main) {
            // given the first list call's connection is reset by the peer
            yofacturo.issuesSession().listsBatches(YoFacturoStub.batches(2));
            yofacturo.server().stubFor(get(urlPathEqualTo(LIST)).atPriority(0).inScenario("reset")
                    .whenScenarioStateIs(STARTED).willSetStateTo("fine")
                    .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
            pollingEverySecond(work, yofacturo).configure(main);
        }

        @Test
        void aConnectionResetIsRetriedAndTheBatchesArrive() {
            // when a poll runs
            await().atMost(Duration.ofSeconds(10)).until(() -> files(work, "invoice-batches") == 2);

            // then the reset request was sent again
            assertThat(listRequests(yofacturo)).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    @Nested
    class ARefusingDownstream extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());
        private final LogCapture log = LogCapture.start();

        private Path blocked() {
            return work.resolve("out/yofacturo/invoice-batches");
        }

        @Configure
        void theAppPollingEverySecond(MainConfigurationProperties main) throws IOException {
            // given the batch folder cannot be created (a plain file stands in its place)
            yofacturo.issuesSession().listsBatches(YoFacturoStub.batches(2));
            Files.createDirectories(blocked().getParent());
            Files.writeString(blocked(), "not a folder");
            pollingEverySecond(work, yofacturo).configure(main);
        }

        @AfterAll
        void stopCapturing() {
            log.close();
        }

        @Test
        void aRefusingDownstreamLeavesTheRecordPendingAndALaterPollDeliversIt() throws Exception {
            // when a poll tries to deliver
            // (the batches of a page go side by side: batch 2's warning may come first)
            await().atMost(Duration.ofSeconds(10)).until(() -> log.all().contains("invoice batch 1 not delivered"));
            // then the warning names the feed, the tenant, the record and the downstream, and no credential
            String warn = log.lines().stream().filter(l -> l.contains("invoice batch 1 not delivered")).findFirst().get();
            assertThat(warn).startsWith("WARN").contains("yofacturo-invoice-batches (tenant default): invoice batch 1")
                    .contains("file://").contains("invoice-batches")
                    .doesNotContain(YoFacturoStub.API_KEY).doesNotContain(YoFacturoStub.TOKEN);

            // and when the downstream accepts again, the records arrive
            Files.delete(blocked());
            await().atMost(Duration.ofSeconds(10)).until(() -> files(work, "invoice-batches") == 2);
        }
    }

    @Nested
    class UnreadableInvoicesOfABatch extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());
        private final LogCapture log = LogCapture.start();

        @Configure
        void theAppPollingEverySecondWithoutRetries(MainConfigurationProperties main) {
            // given the batch list answers, but the invoices of batch 1 answer 500
            yofacturo.issuesSession().listsBatches(YoFacturoStub.batches(1));
            yofacturo.server().stubFor(get(urlPathEqualTo("/api/v1/invoice_batches/1/batch_invoices")).atPriority(0)
                    .willReturn(aResponse().withStatus(500)));
            pollingEverySecond(work, yofacturo).property("http.retries", "0").configure(main);
        }

        @AfterAll
        void stopCapturing() {
            log.close();
        }

        @Test
        void aBatchWhoseInvoicesCannotBeReadIsLeftPendingNamingTheApiCallNotTheSink() {
            // when a poll tries to deliver the batch
            await().atMost(Duration.ofSeconds(10)).until(() -> log.all().contains("not delivered"));

            // then the warning says the API call failed, not that the sink refused
            String warn = log.lines().stream().filter(l -> l.contains("not delivered")).findFirst().get();
            assertThat(warn).contains("invoice batch 1 not delivered: the API call " + yofacturo.baseUrl())
                    .doesNotContain("not delivered to").doesNotContain(YoFacturoStub.TOKEN);
        }
    }

    @Nested
    class AnHttpDownstream extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        private List<LoggedRequest> deliveries() {
            return yofacturo.server().findAll(postRequestedFor(urlPathEqualTo("/downstream/batches")));
        }

        @Configure
        void theAppPollingEverySecondPostingBatches(MainConfigurationProperties main) {
            // given batches go to an HTTP downstream
            yofacturo.issuesSession().listsBatches(YoFacturoStub.batches(1));
            yofacturo.server().stubFor(post("/downstream/batches").willReturn(aResponse().withStatus(200)));
            pollingEverySecond(work, yofacturo)
                    .property("yofacturo.invoice-batches-to", yofacturo.baseUrl() + "/downstream/batches").configure(main);
        }

        @Test
        void anHttpDownstreamGetsAPostOfTheRecordAndNoneOfTheUpstreamHeaders() {
            // when a poll delivers
            await().atMost(Duration.ofSeconds(10)).until(() -> !deliveries().isEmpty());

            // then it is a POST of the batch JSON, naming the batch, and nothing of the upstream call
            LoggedRequest delivered = deliveries().get(0);
            assertThat(delivered.getBodyAsString()).contains("\"external_batch_id\":\"ext-1\"");
            assertThat(delivered.getHeader("YoFacturoInvoiceBatchId")).isEqualTo("1");
            assertThat(delivered.containsHeader("Authorization")).isFalse();
            assertThat(delivered.containsHeader("api_access_token")).isFalse();
            assertThat(delivered.getHeaders().keys()).noneMatch(h -> h.toLowerCase().startsWith("camel"));
            assertThat(delivered.getQueryParams()).isEmpty();
        }
    }
}
