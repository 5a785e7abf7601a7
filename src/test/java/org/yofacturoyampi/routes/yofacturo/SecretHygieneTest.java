package org.yofacturoyampi.routes.yofacturo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.TraceLogs;
import org.yofacturoyampi.routes.support.YoFacturoStub;
import org.yofacturoyampi.routes.trigger.FeedRuns;

/**
 * No credential of either API reaches a log line (at TRACE), a file the app wrote, or the other API's requests. On
 * Camel's test kit: each nested class is one configuration of the real app ({@link CamelMainTest}) against its own
 * upstream (a WireMock YoFacturo, or the sandbox), set up in its {@code @Configure} before the context starts, with a
 * context of its own. Where a test reads the logs, TRACE is on and the capture open before the context starts (the
 * start-up's lines are read too), and the test stops the app before it reads the logs and the files, so that what the
 * app logs and writes while it stops is checked as well.
 */
@CamelMainTest
class SecretHygieneTest {

    private static final String REVOKED_TOKEN = "sess_FAKE_SECRET_REVOKED_7777";

    /** Every file the app wrote under {@code work}: deliveries, dead letters, state. */
    private static List<Path> filesUnder(Path work) throws IOException {
        try (Stream<Path> walk = Files.walk(work)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    /** A file's bytes read as ISO-8859-1, so that any byte is a character and a secret in any file shows. */
    private static String content(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    }

    @Nested
    class YoFacturoWithARefusedSessionAtTrace extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());
        private final TraceLogs trace = TraceLogs.on();
        private final LogCapture log = LogCapture.start();

        @Configure
        void theAppPollingEverySecond(MainConfigurationProperties main) {
            // given a first session whose token YoFacturo refuses (so a 401 and a renewal happen), a dead letter, and
            // TRACE logs (on from this class's start). The two sessions are a scenario at priority 0, above
            // YoFacturoStub's own stubs (priority 1 and 10): at one priority WireMock takes the newest stub, so an
            // issuesSession() stub would answer the first call.
            Instant tomorrow = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
            yofacturo.server().stubFor(post("/api/v1/auth/sessions").atPriority(0).inScenario("s")
                    .whenScenarioStateIs(STARTED).willSetStateTo("second")
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody("{\"session_token\":\"" + REVOKED_TOKEN + "\",\"expires_at\":\"" + tomorrow + "\"}")));
            yofacturo.server().stubFor(post("/api/v1/auth/sessions").atPriority(0).inScenario("s")
                    .whenScenarioStateIs("second")
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody("{\"session_token\":\"" + YoFacturoStub.TOKEN + "\",\"expires_at\":\"" + tomorrow + "\"}")));
            yofacturo.listsBatches(YoFacturoStub.batches(120)).listsInvoices(1, List.of(YoFacturoStub.invoice(1)));
            yofacturo.server().stubFor(get(urlPathEqualTo("/api/v1/invoice_batches/2/batch_invoices")).atPriority(0)
                    .willReturn(aResponse().withStatus(200).withBody("<html>not json</html>")));
            RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                    .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND).configure(main);
        }

        @AfterAll
        void stopCapturingAndTracing() {
            log.close();
            trace.close();
        }

        @Test
        void noSecretAppearsInAnyLogLineAtTraceNorInAnyFileWritten() throws Exception {
            // when a full sync has run, and the app has stopped
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Files.exists(work.resolve("out/yofacturo/invoice-batches/120.json")));
            context.stop();

            // then the refused session was renewed: two sessions calls, and the log says so
            assertThat(yofacturo.sessionCalls()).isEqualTo(2);
            assertThat(log.all()).contains("YoFacturo refused the cached session token; a new session will be requested");
            assertThat(log.lines()).filteredOn(l -> l.contains("YoFacturo session renewed")).hasSize(2);

            // and the logs were verbose, yet hold no secret
            assertThat(log.lines().size()).isGreaterThan(1000);
            assertThat(log.all()).contains("DEBUG").contains("invoice_batches")
                    .doesNotContain(YoFacturoStub.API_KEY)
                    .doesNotContain(YoFacturoStub.TOKEN)
                    .doesNotContain(REVOKED_TOKEN);

            // and no file written (deliveries, dead letters, state) holds one either
            List<Path> files = filesUnder(work);
            assertThat(files).anyMatch(f -> f.toString().contains("dead-letter"));
            for (Path file : files) {
                assertThat(content(file)).as(file.toString())
                        .doesNotContain(YoFacturoStub.API_KEY)
                        .doesNotContain(YoFacturoStub.TOKEN)
                        .doesNotContain(REVOKED_TOKEN);
            }
        }
    }

    @Nested
    class YampiWithARateLimitAndAnOutageAtTrace extends SharedAppContext {

        // the Yampi sandbox: two pages of contacts and every default resource
        private final SandboxSettings settings = SandboxSettings.builder()
                .yampiAccounts(Map.of(1L, new SandboxSettings.YampiAccount(20, 5, 1, 1, 1, 1))).build();
        private final TraceLogs trace = TraceLogs.on();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));
        private final LogCapture log = LogCapture.start();

        @Configure
        void theAppPollingEveryDefaultResource(MainConfigurationProperties main) {
            // given a 429 and a 503 on the way, and TRACE logs (on from this class's start)
            sandbox.yampi().rateLimitNext(1, 1);
            sandbox.yampi().failNext(1, 503);
            RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                    .property("http.retry-delay", "100").configure(main);
        }

        @AfterAll
        void stopCapturingAndTracing() {
            log.close();
            trace.close();
        }

        @Test
        void noYampiTokenAppearsInAnyLogLineAtTraceNorInAnyFileWritten() throws Exception {
            String token = settings.yampiUserToken();

            // when a full sync of every default resource has run, and the app has stopped
            await().atMost(Duration.ofSeconds(30)).until(() -> JsonFiles.under(work.resolve("out/yampi/1")) == 30);
            context.stop();

            // then the logs were verbose, yet hold no token
            assertThat(log.lines().size()).isGreaterThan(1000);
            assertThat(log.all()).contains("/api/v1/accounts/1/contacts").doesNotContain(token);

            // and no file written holds it either
            for (Path file : filesUnder(work)) {
                assertThat(content(file)).as(file.toString()).doesNotContain(token);
            }
        }
    }

    @Nested
    class BothApisOnOneSandbox extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().batchCount(5).invoicesPerBatch(1).build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppWithEachApisOwnCredential(MainConfigurationProperties main) {
            // given both APIs on one sandbox, each configured with its own credential
            RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                    .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                    .property("yampi.poll-cron", RunningApp.NEVER).configure(main);
        }

        @Test
        void noYampiTokenIsSentToYoFacturoAndNoYoFacturoCredentialToYampi() {
            // when every feed of both APIs runs once
            List<String> feeds = context.getRegistry().lookupByNameAndType("feedRuns", FeedRuns.class).feedNames();
            assertThat(feeds).contains("yofacturo-invoice-batches", "yampi-contacts");
            for (String feed : feeds) {
                context.createProducerTemplate().requestBodyAndHeader("direct:sync", null, "SyncFeed", feed);
            }

            // then YoFacturo got Bearer requests and never a Yampi token header ...
            List<RecordedRequest> yofacturoRequests = sandbox.yofacturo().recordedRequests();
            assertThat(yofacturoRequests).extracting(RecordedRequest::path)
                    .contains("/api/v1/auth/sessions", "/api/v1/invoice_batches");
            assertThat(yofacturoRequests).allSatisfy(r -> {
                assertThat(r.header("api_access_token")).as(r.path()).isNull();
                assertThat(r.headers().values()).as(r.path()).noneMatch(v -> v.contains(settings.yampiUserToken()));
            });
            assertThat(yofacturoRequests).filteredOn(r -> r.path().startsWith("/api/v1/invoice_batches"))
                    .allSatisfy(r -> assertThat(r.header("Authorization")).as(r.path()).startsWith("Bearer "));

            // ... and Yampi got its token header and never an Authorization header nor the YoFacturo key
            List<RecordedRequest> yampiRequests = sandbox.yampi().recordedRequests();
            assertThat(yampiRequests).extracting(RecordedRequest::path).contains("/api/v1/accounts/1/contacts");
            assertThat(yampiRequests).allSatisfy(r -> {
                assertThat(r.header("Authorization")).as(r.path()).isNull();
                assertThat(r.header("api_access_token")).as(r.path()).isEqualTo(settings.yampiUserToken());
                assertThat(r.headers().values()).as(r.path()).noneMatch(v -> v.contains(settings.yofacturoApiKey()));
            });
        }
    }
}
