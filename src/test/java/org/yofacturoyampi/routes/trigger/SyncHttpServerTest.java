package org.yofacturoyampi.routes.trigger;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.AppHttp;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * The embedded HTTP server: /sync never holds a server worker, and beyond loopback it needs SYNC_TOKEN. On Camel's
 * test kit ({@link CamelMainTest}): each nested class is one configuration of the real app (where the server listens,
 * with or without a token) against its own WireMock YoFacturo. Where the log from start-up on is the behaviour (the
 * line that says /sync is off, a token never logged), it is captured from the {@code @Configure} method on, before
 * the context starts, as it was from before {@code start()}.
 */
@CamelMainTest
class SyncHttpServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SYNC_TOKEN = "sync_FAKE_TOKEN_5555";
    private static final String TRIGGER = "{\"feed\": \"yofacturo-invoice-batches\"}";
    private static final String BATCHES = "/api/v1/invoice_batches";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static RunningApp.Builder app(Path work, YoFacturoStub yofacturo) {
        return RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY);
    }

    private static HttpRequest.Builder request(CamelContext context, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + AppHttp.of(context).port() + path))
                .timeout(Duration.ofSeconds(5));
    }

    private static HttpRequest.BodyPublisher trigger() {
        return HttpRequest.BodyPublishers.ofString(TRIGGER);
    }

    @Nested
    class OnLoopbackAgainstASlowApi extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theAppReadingOneBatchAPage(MainConfigurationProperties main) {
            // given a YoFacturo that answers every call after 1.5 s: a walk of 3 pages takes many seconds
            yofacturo.listsBatches(YoFacturoStub.batches(3), 1, YoFacturoStub.TOKEN);
            for (int id = 1; id <= 3; id++) {
                yofacturo.listsInvoices(id, List.of());
            }
            yofacturo.server().setGlobalFixedDelay(1500);
            app(work, yofacturo).property("yofacturo.per-page", "1").configure(main);
        }

        @Test
        void thirtyConcurrentRequestsAgainstASlowApiJoinOneRunWhileHealthAndMetricsKeepAnswering() throws Exception {
            // when 30 requests for the feed come at once
            List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                requests.add(http.sendAsync(request(context, "/sync").header("Content-Type", "application/json")
                        .POST(trigger()).build(), HttpResponse.BodyHandlers.ofString()));
            }

            // then, while the run is under way, health and metrics answer (each within the 5 s request timeout)
            await().atMost(Duration.ofSeconds(20)).until(() -> !yofacturo.server()
                    .findAll(getRequestedFor(urlPathEqualTo(BATCHES))).isEmpty());
            assertThat(http.send(request(context, "/observe/health/live").build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
            assertThat(http.send(request(context, "/observe/metrics").build(), HttpResponse.BodyHandlers.ofString())
                    .body()).contains("yyr_");

            // and each request is answered (bounded wait) 202, all naming the same run
            List<String> runs = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> request : requests) {
                HttpResponse<String> response = request.get(10, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(202);
                runs.add(JSON.readTree(response.body()).get("run").asText());
            }
            assertThat(runs).containsOnly(runs.get(0));
            String report = "/sync/" + runs.get(0);

            assertThat(http.send(request(context, report).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(202);

            // and the one run ends with its report, having walked the list once
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    http.send(request(context, report).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            JsonNode done = JSON.readTree(http.send(request(context, report).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(done.get("delivered").get("invoice batch").asInt()).isEqualTo(3);
            assertThat(yofacturo.server().findAll(getRequestedFor(urlPathEqualTo(BATCHES)))).hasSize(3);
            assertThat(JsonFiles.in(work.resolve("out/yofacturo/invoice-batches"))).isEqualTo(3);
        }
    }

    @Nested
    class OnEveryInterfaceWithoutAToken extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());
        private LogCapture log;

        @Configure
        void theAppOnEveryInterface(MainConfigurationProperties main) {
            // given the server on every interface and no SYNC_TOKEN (the log captured from start-up on)
            log = LogCapture.start();
            app(work, yofacturo).property("server.host", "0.0.0.0").configure(main);
        }

        @AfterAll
        void stopCapturing() {
            log.close();
        }

        @Test
        void beyondLoopbackWithoutATokenSyncIsOffInOneLineWhileHealthAndMetricsStayOn() throws Exception {
            // then /sync does not run anything, even with a token
            HttpResponse<String> response = http.send(request(context, "/sync").header("Content-Type", "application/json")
                    .header("Authorization", "Bearer anything").POST(trigger()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body()).contains("SYNC_TOKEN");
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("POST /sync is off")).singleElement()
                    .asString().contains("0.0.0.0", "SERVER_HOST", "SYNC_TOKEN");
            assertThat(yofacturo.server().findAll(getRequestedFor(urlPathEqualTo(BATCHES)))).isEmpty();

            // and health and metrics answer
            assertThat(http.send(request(context, "/observe/health/live").build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
            assertThat(http.send(request(context, "/observe/metrics").build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
        }
    }

    @Nested
    class OnEveryInterfaceWithATokenTraced extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());
        private LogCapture log;

        @Configure
        void theAppOnEveryInterfaceWithASyncToken(MainConfigurationProperties main) {
            yofacturo.listsBatches(YoFacturoStub.batches(2)).listsInvoices(1, List.of()).listsInvoices(2, List.of());
            // given the server on every interface with a SYNC_TOKEN, traced (the log captured from start-up on)
            log = LogCapture.start();
            app(work, yofacturo).property("server.host", "0.0.0.0").property("sync-token", SYNC_TOKEN)
                    .property("camel.main.tracing", "true").configure(main);
        }

        @AfterAll
        void stopCapturing() {
            log.close();
        }

        @Test
        void withASyncTokenOnlyARequestBearingItRunsAndTheTokenIsNeverLogged() throws Exception {
            // when runs are asked for without the token, with another one, and with it
            HttpResponse<String> none = http.send(request(context, "/sync").header("Content-Type", "application/json")
                    .POST(trigger()).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> wrong = http.send(request(context, "/sync").header("Content-Type", "application/json")
                    .header("Authorization", "Bearer sync_FAKE_TOKEN_5556").POST(trigger()).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> right = http.send(request(context, "/sync").header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + SYNC_TOKEN).POST(trigger()).build(),
                    HttpResponse.BodyHandlers.ofString());

            // then only the last runs, and its report too asks for the token
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(right.statusCode()).isEqualTo(202);
            String report = right.headers().firstValue("Location").orElseThrow();
            assertThat(http.send(request(context, report).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(401);
            await().atMost(Duration.ofSeconds(30)).until(() -> http.send(request(context, report)
                    .header("Authorization", "Bearer " + SYNC_TOKEN).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode() == 200);
            assertThat(yofacturo.server().findAll(getRequestedFor(urlPathEqualTo(BATCHES)))).hasSize(1);

            // and the log (traced) says the refusals without the token, nor the one sent wrong
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("sync trigger refused (http)")).hasSize(3);
            assertThat(log.all()).doesNotContain(SYNC_TOKEN).doesNotContain("sync_FAKE_TOKEN_5556");
        }
    }
}
