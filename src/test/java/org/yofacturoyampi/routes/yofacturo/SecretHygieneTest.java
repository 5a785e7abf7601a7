package org.yofacturoyampi.routes.yofacturo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.YoFacturoStub;
import org.yofacturoyampi.routes.trigger.FeedRuns;

class SecretHygieneTest {

    private static final String REVOKED_TOKEN = "sess_FAKE_SECRET_REVOKED_7777";

    @TempDir
    Path work;

    private final YoFacturoStub yofacturo = new YoFacturoStub();
    private final Level rootBefore = LogManager.getRootLogger().getLevel();
    private final Level camelBefore = LogManager.getLogger("org.apache.camel").getLevel();

    @AfterEach
    void restore() {
        Configurator.setRootLevel(rootBefore);
        Configurator.setLevel("org.apache.camel", camelBefore);
        yofacturo.close();
    }

    @Test
    void noSecretAppearsInAnyLogLineAtTraceNorInAnyFileWritten() throws Exception {
        // given a first session whose token YoFacturo refuses (so a 401 and a renewal happen), a dead letter, and TRACE
        // logs. The two sessions are a scenario at priority 0, above YoFacturoStub's own stubs (priority 1 and 10):
        // at one priority WireMock takes the newest stub, so an issuesSession() stub would answer the first call.
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
        Configurator.setRootLevel(Level.TRACE);
        Configurator.setLevel("org.apache.camel", Level.TRACE);

        // when a full sync runs
        try (LogCapture log = LogCapture.start();
             RunningApp app = RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                     .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND).start()) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Files.exists(work.resolve("out/yofacturo/invoice-batches/120.json")));

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
        }

        // and no file written (deliveries, dead letters, state) holds one either
        List<Path> files;
        try (Stream<Path> walk = Files.walk(work)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).anyMatch(f -> f.toString().contains("dead-letter"));
        for (Path file : files) {
            assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString())
                    .doesNotContain(YoFacturoStub.API_KEY)
                    .doesNotContain(YoFacturoStub.TOKEN)
                    .doesNotContain(REVOKED_TOKEN);
        }
    }

    @Test
    void noYampiTokenAppearsInAnyLogLineAtTraceNorInAnyFileWritten() throws Exception {
        // given the Yampi sandbox (two pages of contacts and every default resource), a 429 and a 503 on the way, and
        // TRACE logs
        SandboxSettings settings = SandboxSettings.builder()
                .yampiAccounts(Map.of(1L, new SandboxSettings.YampiAccount(20, 5, 1, 1, 1, 1))).build();
        String token = settings.yampiUserToken();
        Configurator.setRootLevel(Level.TRACE);
        Configurator.setLevel("org.apache.camel", Level.TRACE);
        try (Sandbox sandbox = Sandbox.start(settings); LogCapture log = LogCapture.start()) {
            sandbox.yampi().rateLimitNext(1, 1);
            sandbox.yampi().failNext(1, 503);

            // when a full sync of every default resource runs
            try (RunningApp app = RunningApp.builder(work).yampi(sandbox.baseUrl(), token, "user", "1")
                    .property("http.retry-delay", "100").start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> jsonFiles(work.resolve("out/yampi/1")) == 30);
            }

            // then the logs were verbose, yet hold no token
            assertThat(log.lines().size()).isGreaterThan(1000);
            assertThat(log.all()).contains("/api/v1/accounts/1/contacts").doesNotContain(token);
        }

        // and no file written holds it either
        try (Stream<Path> walk = Files.walk(work)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString()).doesNotContain(token);
            }
        }
    }

    @Test
    void noYampiTokenIsSentToYoFacturoAndNoYoFacturoCredentialToYampi() throws Exception {
        // given both APIs on one sandbox, each configured with its own credential
        SandboxSettings settings = SandboxSettings.builder().batchCount(5).invoicesPerBatch(1).build();
        try (Sandbox sandbox = Sandbox.start(settings);
             RunningApp app = RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                     .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                     .property("yampi.poll-cron", RunningApp.NEVER).start()) {

            // when every feed of both APIs runs once
            List<String> feeds = app.bean("feedRuns", FeedRuns.class).feedNames();
            assertThat(feeds).contains("yofacturo-invoice-batches", "yampi-contacts");
            for (String feed : feeds) {
                app.context().createProducerTemplate().requestBodyAndHeader("direct:sync", null, "SyncFeed", feed);
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

    private static long jsonFiles(Path dir) throws Exception {
        return JsonFiles.under(dir);
    }
}
