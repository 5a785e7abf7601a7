package org.yofacturoyampi.routes.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.AppHttp;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * The requirement "while a Retry-After wait is pending, no request of any route goes to that API before it passes",
 * end to end: one request meets a 429 with Retry-After: 2 while other routes have requests of their own to make (a
 * session renewal, a redelivery after a 5xx), and the API's own log of when each request arrived shows none in the
 * two seconds after the 429. On Camel's test kit ({@link CamelMainTest}): each nested class is one configuration of
 * the real app against its own WireMock API, whose stubs are set before the context starts.
 */
@CamelMainTest
class RateLimitAcrossRoutesTest {

    /** The gate opens 2 s after the client read the 429, which is after the API logged it; a little slack for clocks. */
    private static final long WAIT_MILLIS = 1950;
    /**
     * A request already on its way before the client had read the 429 may arrive just after it; no gate can stop that.
     * Anything later than this must have waited.
     */
    private static final long IN_FLIGHT_MILLIS = 200;
    private static final String BATCHES = "/api/v1/invoice_batches";
    private static final String CREATED = "{\"data\": {\"id\": 77, \"external_batch_id\": \"erp-0009\", \"status\": \"received\"}}";

    @Nested
    class YoFacturoWithSessionChecksEverySecond extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        @Configure
        void theAppRenewingAtEveryCheck(MainConfigurationProperties main) {
            // given YoFacturo issues sessions and lists two batches, but answers the first list call 429 Retry-After: 2
            yofacturo.issuesSession().listsBatches(YoFacturoStub.batches(2));
            yofacturo.server().stubFor(get(urlPathEqualTo(BATCHES)).atPriority(0).inScenario("limit")
                    .whenScenarioStateIs(STARTED).willSetStateTo("open")
                    .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
                            .withBody("{\"error\":{\"code\":\"too_many_requests\",\"message\":\"slow down\"}}")));
            // and answers a submission's first POST 503 after 1.5 s (so it is in flight when the 429 comes), then creates it
            yofacturo.server().stubFor(post(BATCHES).inScenario("down").whenScenarioStateIs(STARTED).willSetStateTo("up")
                    .willReturn(aResponse().withStatus(503).withFixedDelay(1500)));
            yofacturo.server().stubFor(post(BATCHES).inScenario("down").whenScenarioStateIs("up")
                    .willReturn(json(201, CREATED)));

            // and a session check every second that always renews (renew-before beyond the sessions' 24 hours)
            RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                    .property("yofacturo.session-cron", RunningApp.EVERY_SECOND)
                    .property("yofacturo.renew-before", "PT25H")
                    .property("http.retry-delay", "100").configure(main);
        }

        @Test
        void whileAYoFacturoRetryAfterWaitIsPendingNeitherASessionRenewalNorA5xxRedeliveryIsSent() throws Exception {
            // when a batch is submitted and, while its POST is in flight, a poll of the batches meets the 429
            drop(work.resolve("in/invoice-batches"), "b.json",
                    "{\"invoice_batch\": {\"external_batch_id\": \"erp-0009\", \"invoices\": []}}");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !yofacturo.server().findAll(postRequestedFor(urlPathEqualTo(BATCHES))).isEmpty());
            CompletableFuture<HttpResponse<String>> poll = sync(context, "yofacturo-invoice-batches");

            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(work.resolve("out/yofacturo/submissions/erp-0009.json"))
                    && JsonFiles.in(work.resolve("out/yofacturo/invoice-batches")) == 2
                    && afterTheLimitSoFar(yofacturo.server()).stream().anyMatch(a -> a.is("POST", "/api/v1/auth/sessions")));
            assertThat(poll.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            // (and the app stopped, so that every request it made is in: the context is this test's alone)
            context.stop();

            // then nothing reached YoFacturo in the 2 seconds after the 429 ...
            List<Arrival> after = afterTheLimit(yofacturo.server());
            assertThat(after).allMatch(Arrival::waitedOrWasInFlight);
            // ... though a session renewal, the submission's redelivery and the list call's retry all came after it
            assertThat(after).anyMatch(a -> a.is("POST", "/api/v1/auth/sessions")).anyMatch(a -> a.is("POST", BATCHES))
                    .anyMatch(a -> a.is("GET", BATCHES));
        }
    }

    @Nested
    class YampiConversationsAndContacts extends SharedAppContext {

        private static final String CONVERSATIONS = "/api/v1/accounts/1/conversations";
        private static final String CONTACTS = "/api/v1/accounts/1/contacts";

        private final WireMockServer yampi = upstream(new WireMockServer(WireMockConfiguration.options().dynamicPort()));

        @Configure
        void theAppOnDemandOnly(MainConfigurationProperties main) {
            // given Yampi answers the first conversations call 503 after 1.5 s, and the first contacts call 429 Retry-After: 2
            yampi.start();
            yampi.stubFor(get(urlPathEqualTo(CONVERSATIONS)).inScenario("down").whenScenarioStateIs(STARTED)
                    .willSetStateTo("up").willReturn(aResponse().withStatus(503).withFixedDelay(1500)));
            yampi.stubFor(get(urlPathEqualTo(CONVERSATIONS)).inScenario("down").whenScenarioStateIs("up")
                    .willReturn(json(200, "{\"data\": {\"meta\": {\"all_count\": 1}, \"payload\": [{\"id\": 5}]}}")));
            yampi.stubFor(get(urlPathEqualTo(CONTACTS)).inScenario("limit").whenScenarioStateIs(STARTED)
                    .willSetStateTo("open").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")));
            yampi.stubFor(get(urlPathEqualTo(CONTACTS)).inScenario("limit").whenScenarioStateIs("open")
                    .willReturn(json(200, "{\"meta\": {\"count\": 1, \"current_page\": \"1\"}, \"payload\": [{\"id\": 7}]}")));
            RunningApp.builder(work).yampi(yampi.baseUrl(), "yampi_test_FAKE_TOKEN", "user", "1")
                    .property("yampi.poll-cron", RunningApp.NEVER).property("yampi.resources", "conversations,contacts")
                    .property("http.retry-delay", "100").configure(main);
        }

        @Test
        void whileAYampiRetryAfterWaitIsPendingA5xxRedeliveryOfAnotherFeedIsNotSent() throws Exception {
            // when the conversations feed runs and, while its request is in flight, the contacts feed meets the 429
            CompletableFuture<HttpResponse<String>> first = sync(context, "yampi-conversations");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !yampi.findAll(getRequestedFor(urlPathEqualTo(CONVERSATIONS))).isEmpty());
            CompletableFuture<HttpResponse<String>> second = sync(context, "yampi-contacts");

            assertThat(first.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(second.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(JsonFiles.in(work.resolve("out/yampi/1/conversations"))).isEqualTo(1);
            assertThat(JsonFiles.in(work.resolve("out/yampi/1/contacts"))).isEqualTo(1);
            // (and the app stopped, so that every request it made is in: the context is this test's alone)
            context.stop();

            // then the redelivery of the conversations call waited for the contacts call's Retry-After, as did its retry
            List<Arrival> after = afterTheLimit(yampi);
            assertThat(after).extracting(Arrival::path).containsExactlyInAnyOrder(CONVERSATIONS, CONTACTS);
            assertThat(after).allMatch(Arrival::waitedOrWasInFlight);
        }
    }

    private static CompletableFuture<HttpResponse<String>> sync(CamelContext context, String feed) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return AppHttp.of(context).syncOverHttp("{\"feed\": \"" + feed + "\"}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** A request the API received after the one it answered 429, and how long after it. */
    private record Arrival(String method, String path, long millisAfterTheLimit) {

        boolean is(String method, String path) {
            return this.method.equals(method) && this.path.equals(path);
        }

        boolean waitedOrWasInFlight() {
            return millisAfterTheLimit < IN_FLIGHT_MILLIS || millisAfterTheLimit >= WAIT_MILLIS;
        }
    }

    private static List<Arrival> afterTheLimitSoFar(WireMockServer server) {
        return server.getAllServeEvents().stream().anyMatch(e -> e.getResponse().getStatus() == 429)
                ? afterTheLimit(server) : List.of();
    }

    /** What the API received after the (first) request it answered 429, in the order it came. */
    private static List<Arrival> afterTheLimit(WireMockServer server) {
        List<ServeEvent> all = server.getAllServeEvents().stream()
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
        ServeEvent limited = all.stream().filter(e -> e.getResponse().getStatus() == 429).findFirst()
                .orElseThrow(() -> new AssertionError("no request was answered 429"));
        long at = limited.getRequest().getLoggedDate().getTime();
        return all.subList(all.indexOf(limited) + 1, all.size()).stream()
                .map(e -> new Arrival(e.getRequest().getMethod().getName(), e.getRequest().getUrl().replaceAll("\\?.*", ""),
                        e.getRequest().getLoggedDate().getTime() - at))
                .toList();
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static void drop(Path folder, String name, String content) throws Exception {
        Files.createDirectories(folder);
        Path temp = Files.writeString(folder.resolve("." + name + ".tmp"), content);
        Files.move(temp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
