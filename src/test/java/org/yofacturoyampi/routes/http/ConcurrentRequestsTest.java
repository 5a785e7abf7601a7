package org.yofacturoyampi.routes.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.sandbox.SandboxSettings.YampiAccount;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * Several requests of one organisation or token in flight at once, never more than its setting
 * (yofacturo.max-concurrent-requests, yampi.max-concurrent-requests), with what held one request at a time still
 * holding: a 429 stops every request of the organisation until Retry-After has passed, and a batch is marked
 * delivered only once all its invoices went through. On Camel's test kit ({@link CamelMainTest}): each nested class
 * is one configuration of the real app (its limit, its upstream), run on demand with a message on direct:sync. The
 * settings that stop start-up are in {@link ConcurrencySettingsTest}.
 */
@CamelMainTest
class ConcurrentRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The gate opens 2 s after the client read the 429, which is after the API logged it; a little slack for clocks. */
    private static final long WAIT_MILLIS = 1950;
    /** A request already on its way before the client had read the 429 may arrive just after it. */
    private static final long IN_FLIGHT_MILLIS = 200;

    private static JsonNode sync(CamelContext context, String feed) throws Exception {
        return JSON.readTree(context.createProducerTemplate()
                .requestBodyAndHeader("direct:sync", null, "SyncFeed", feed, String.class));
    }

    @Nested
    class ThirtyBatchesThreeRequestsAtOnce extends SharedAppContext {

        // given 30 batches of one invoice each, every answer taking 100 ms
        private final SandboxSettings settings = SandboxSettings.builder().batchCount(30).invoicesPerBatch(1)
                .latency(Duration.ofMillis(100), Duration.ZERO).build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppAllowedThreeRequestsAtOnce(MainConfigurationProperties main) {
            RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                    .property("yofacturo.max-concurrent-requests", "3").configure(main);
        }

        @Test
        void theInvoicesOfSeveralBatchesAreFetchedAtOnceButNeverMoreThanTheOrganisationsLimit() throws Exception {
            // when the organisation, allowed 3 requests at once, syncs
            JsonNode report = sync(context, "yofacturo-invoice-batches");

            // then every batch and invoice arrived, with exactly 3 requests in flight at the busiest moment
            assertThat(report.path("outcome").asText()).isEqualTo("ok");
            assertThat(report.path("delivered_total").asInt()).isEqualTo(60);
            assertThat(JsonFiles.in(work.resolve("out/yofacturo/invoice-batches"))).isEqualTo(30);
            assertThat(JsonFiles.under(work.resolve("out/yofacturo/batch-invoices"))).isEqualTo(30);
            assertThat(sandbox.yofacturoNetwork().mostInFlight()).isEqualTo(3);
        }
    }

    @Nested
    class TwelveHundredBatchesTwoRequestsAtOnce extends SharedAppContext {

        // given 1,200 batches of one invoice each: 12 pages, more than the split's 2 threads
        private final SandboxSettings settings = SandboxSettings.builder().batchCount(1_200).invoicesPerBatch(1).build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppAllowedTwoRequestsAtOnceDeliveringToMocks(MainConfigurationProperties main) {
            RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                    .property("yofacturo.max-concurrent-requests", "2")
                    .property("yofacturo.invoice-batches-to", "mock:batches?retainFirst=0&retainLast=0")
                    .property("yofacturo.batch-invoices-to", "mock:invoices?retainFirst=0&retainLast=0").configure(main);
        }

        @Test
        void aWalkOfManyPagesGoesToItsEndOnTheSplitsFewThreads() throws Exception {
            // when the organisation, allowed 2 requests at once, syncs
            JsonNode report = sync(context, "yofacturo-invoice-batches");

            // then the walk went through every page: no thread of the split waits on another page
            assertThat(report.path("outcome").asText()).isEqualTo("ok");
            assertThat(report.path("delivered_total").asInt()).isEqualTo(2_400);
            assertThat(sandbox.yofacturo().batchListRequests()).isEqualTo(12);
        }
    }

    @Nested
    class TenBatchesOneRequestAtOnce extends SharedAppContext {

        // given 10 batches, every answer taking 50 ms
        private final SandboxSettings settings = SandboxSettings.builder().batchCount(10).invoicesPerBatch(1)
                .latency(Duration.ofMillis(50), Duration.ZERO).build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppAllowedOneRequestAtOnce(MainConfigurationProperties main) {
            RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                    .property("yofacturo.max-concurrent-requests", "1").configure(main);
        }

        @Test
        void oneRequestAtATimeWhenTheOrganisationIsAllowedOne() throws Exception {
            // when the organisation, allowed 1 request at once, syncs
            JsonNode report = sync(context, "yofacturo-invoice-batches");

            // then it never had two in flight
            assertThat(report.path("delivered_total").asInt()).isEqualTo(20);
            assertThat(sandbox.yofacturoNetwork().mostInFlight()).isEqualTo(1);
        }
    }

    @Nested
    class ThreeYampiAccountsTwoRequestsAtOnce extends SharedAppContext {

        // given a token with three accounts of 30 contacts each (two pages), every answer taking 300 ms (long enough
        // for two walks to overlap on a busy machine: at 100 ms one run saw a single request in flight)
        private final SandboxSettings settings = SandboxSettings.builder().yampiAccounts(Map.of(
                        1L, new YampiAccount(30, 0, 0, 0, 0, 0),
                        2L, new YampiAccount(30, 0, 0, 0, 0, 0),
                        3L, new YampiAccount(30, 0, 0, 0, 0, 0)))
                .latency(Duration.ofMillis(300), Duration.ZERO).build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppAllowingTheTokenTwoRequestsAtOnce(MainConfigurationProperties main) {
            RunningApp.builder(work)
                    .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1,2,3")
                    .property("yampi.poll-cron", RunningApp.NEVER).property("yampi.resources", "contacts")
                    .property("yampi.max-concurrent-requests", "2").configure(main);
        }

        @Test
        void theAccountsOfAYampiTokenAreWalkedSideBySideWithinItsLimit() throws Exception {
            // when the token, allowed 2 requests at once, syncs its contacts
            JsonNode report = sync(context, "yampi-contacts");

            // then every account's contacts arrived, with exactly 2 requests in flight at the busiest moment
            assertThat(report.path("outcome").asText()).isEqualTo("ok");
            assertThat(report.path("delivered_total").asInt()).isEqualTo(90);
            assertThat(sandbox.yampiNetwork().mostInFlight()).isEqualTo(2);
        }
    }

    @Nested
    class ARateLimitFourRequestsAtOnce extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        @Configure
        void theAppAllowedFourRequestsAtOnce(MainConfigurationProperties main) {
            // given 12 batches whose invoices answer in 300 ms, but batch 5's first invoices call answers 429 Retry-After: 2
            yofacturo.issuesSession().listsBatches(YoFacturoStub.batches(12));
            yofacturo.server().stubFor(get(urlPathMatching("/api/v1/invoice_batches/[0-9]+/batch_invoices"))
                    .atPriority(4).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withFixedDelay(300).withBody("{\"data\":[],\"meta\":{\"current_page\":1,"
                                    + "\"total_pages\":1,\"total_count\":0,\"per_page\":100}}")));
            yofacturo.server().stubFor(get(urlPathEqualTo("/api/v1/invoice_batches/5/batch_invoices")).atPriority(0)
                    .inScenario("limit").whenScenarioStateIs(STARTED).willSetStateTo("open")
                    .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
                            .withBody("{\"error\":{\"code\":\"too_many_requests\",\"message\":\"slow down\"}}")));
            RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                    .property("yofacturo.max-concurrent-requests", "4").configure(main);
        }

        @Test
        void a429UnderConcurrencyHoldsEveryRequestOfTheOrganisationUntilRetryAfterThenOneGoesAlone() throws Exception {
            // when the organisation, allowed 4 requests at once, syncs
            JsonNode report = sync(context, "yofacturo-invoice-batches");
            assertThat(report.path("outcome").asText()).isEqualTo("ok");
            assertThat(JsonFiles.in(work.resolve("out/yofacturo/invoice-batches"))).isEqualTo(12);
            // (and the app stopped, so that every request it made is in: the context is this test's alone)
            context.stop();

            // then nothing reached YoFacturo in the 2 seconds after the 429 but what was already on its way ...
            List<Long> after = millisAfterThe429(yofacturo.server().getAllServeEvents());
            assertThat(after).isNotEmpty().allMatch(ms -> ms < IN_FLIGHT_MILLIS || ms >= WAIT_MILLIS);
            // ... and once the wait was over, one request went alone: the next came only after its 300 ms answer
            List<Long> waited = after.stream().filter(ms -> ms >= WAIT_MILLIS).toList();
            assertThat(waited).hasSizeGreaterThan(1);
            assertThat(waited.get(1) - waited.get(0)).isGreaterThanOrEqualTo(250);
        }
    }

    @Nested
    class OneBatchsInvoicesFailingFourRequestsAtOnce extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        @Configure
        void theAppAllowedFourRequestsAtOnce(MainConfigurationProperties main) {
            // given 8 batches of one invoice each, whose invoices answer in 100 ms, but batch 3's answer 404
            yofacturo.issuesSession().listsBatches(YoFacturoStub.batches(8));
            for (int id = 1; id <= 8; id++) {
                yofacturo.listsInvoices(id, List.of(YoFacturoStub.invoice(100 + id)));
            }
            yofacturo.server().stubFor(get(urlPathEqualTo("/api/v1/invoice_batches/3/batch_invoices")).atPriority(0)
                    .willReturn(aResponse().withStatus(404).withFixedDelay(100)));
            RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                    .property("yofacturo.max-concurrent-requests", "4").configure(main);
        }

        @Test
        void aBatchWhoseInvoicesFailWhileOthersAreFetchedStaysUnmarkedAndComesAgainAlone() throws Exception {
            // when the organisation syncs 4 requests at a time
            JsonNode first = sync(context, "yofacturo-invoice-batches");

            // then batch 3 is an error of the run, the 7 others and their invoices were delivered
            assertThat(first.path("error_count").asInt()).isEqualTo(1);
            assertThat(first.path("delivered").path("batch invoice").asInt()).isEqualTo(7);

            // and once batch 3's invoices can be read, the next sync delivers batch 3 and its invoice only:
            // it was not marked, the others were
            yofacturo.server().removeStub(yofacturo.server().getStubMappings().stream()
                    .filter(m -> m.getPriority() != null && m.getPriority() == 0).findFirst().orElseThrow());
            JsonNode second = sync(context, "yofacturo-invoice-batches");
            assertThat(second.path("outcome").asText()).isEqualTo("ok");
            assertThat(second.path("delivered").path("invoice batch").asInt()).isEqualTo(1);
            assertThat(second.path("delivered").path("batch invoice").asInt()).isEqualTo(1);
            assertThat(work.resolve("out/yofacturo/batch-invoices/3/103.json")).exists();
        }
    }

    /** When each request after the first one answered 429 arrived, in ms after it, in order of arrival. */
    private static List<Long> millisAfterThe429(List<ServeEvent> events) {
        List<ServeEvent> all = events.stream().sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
        ServeEvent limited = all.stream().filter(e -> e.getResponse().getStatus() == 429).findFirst()
                .orElseThrow(() -> new AssertionError("no request was answered 429"));
        long at = limited.getRequest().getLoggedDate().getTime();
        return all.subList(all.indexOf(limited) + 1, all.size()).stream()
                .map(e -> e.getRequest().getLoggedDate().getTime() - at).toList();
    }
}
