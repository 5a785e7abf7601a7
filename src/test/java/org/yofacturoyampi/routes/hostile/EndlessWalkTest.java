package org.yofacturoyampi.routes.hostile;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.AppContextPerTest;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * Every walk ends, whatever the list answers: another page than the one asked for, or a page count in the millions.
 * On Camel's test kit ({@link CamelMainTest}): each nested class is one configuration of the real app against its own
 * WireMock upstream, the feed run as a trigger runs it. The tests of the default configuration walk the same feed
 * over the same list, and count its pages and files, so each has a context of its own.
 */
@CamelMainTest
class EndlessWalkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BATCHES = "/api/v1/invoice_batches";

    /** Runs a feed once, as a trigger does; a walk that never ends fails the test instead of hanging it. */
    private static JsonNode runOnce(CamelContext context, String feed) throws Exception {
        String report = CompletableFuture.supplyAsync(() -> context.createProducerTemplate()
                .requestBodyAndHeader("direct:sync", null, "SyncFeed", feed, String.class))
                .get(30, TimeUnit.SECONDS);
        return JSON.readTree(report);
    }

    private static JsonNode runBatchesOnce(CamelContext context) throws Exception {
        return runOnce(context, "yofacturo-invoice-batches");
    }

    private static int requestsForPage(YoFacturoStub yofacturo, int page) {
        return yofacturo.server().findAll(getRequestedFor(urlPathEqualTo(BATCHES))
                .withQueryParam("page", equalTo(String.valueOf(page)))).size();
    }

    /** Every page answers one batch whose id is the page, as that page; page 1 announces {@code firstTotal} pages. */
    private static void listsOneBatchAPageForever(YoFacturoStub yofacturo, int firstTotal, int laterTotal) {
        yofacturo.server().stubFor(get(urlPathEqualTo(BATCHES)).atPriority(1).withQueryParam("page", equalTo("1"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"data\": [{\"id\": 1, \"status\": \"received\"}], \"meta\": {\"current_page\": 1, "
                                + "\"total_pages\": " + firstTotal + ", \"total_count\": " + firstTotal + ", \"per_page\": 100}}")));
        yofacturo.server().stubFor(get(urlPathEqualTo(BATCHES)).atPriority(2)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withTransformers("response-template")
                        .withBody("{\"data\": [{\"id\": {{request.query.page}}, \"status\": \"received\"}], \"meta\": "
                                + "{\"current_page\": {{request.query.page}}, \"total_pages\": " + laterTotal
                                + ", \"total_count\": " + laterTotal + ", \"per_page\": 100}}")));
    }

    @Nested
    class AtTheDefaultCap extends AppContextPerTest {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theApp(MainConfigurationProperties main) {
            RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY).configure(main);
        }

        @Test
        void aListThatAnswersAnotherPageThanTheOneAskedForStopsTheWalkAsAnErrorOfThatRunAndTheNextRunStartsOver()
                throws Exception {
            // given page 1 announces 3 pages, but every other page asked for answers page 1 again
            yofacturo.server().stubFor(get(urlPathEqualTo(BATCHES)).atPriority(1)
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody("{\"data\": [{\"id\": 1, \"status\": \"received\"}], \"meta\": {\"current_page\": 1, "
                                    + "\"total_pages\": 3, \"total_count\": 201, \"per_page\": 100}}")));

            try (LogCapture log = LogCapture.start()) {
                // when the feed runs
                JsonNode report = runBatchesOnce(context);

                // then the walk stopped when page 2 came back as page 1: an error of that run, said in one WARN line
                assertThat(report.get("outcome").asText()).isEqualTo("errors");
                assertThat(report.get("error_count").asInt()).isEqualTo(1);
                assertThat(report.get("errors").get(0).asText()).contains("asked for page 2")
                        .contains("the answer is page 1");
                assertThat(requestsForPage(yofacturo, 2)).isEqualTo(1);
                assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("the answer is page 1")).hasSize(1)
                        .allSatisfy(l -> assertThat(l).contains("yofacturo-invoice-batches").doesNotContain("\n"));
                // and batch 1 of the page that did read was delivered
                assertThat(work.resolve("out/yofacturo/invoice-batches/1.json")).exists();

                // and when the feed runs again, it starts over from page 1 and ends the same way
                JsonNode again = runBatchesOnce(context);
                assertThat(again.get("error_count").asInt()).isEqualTo(1);
                assertThat(requestsForPage(yofacturo, 1)).isEqualTo(2);
            }
        }

        @Test
        void aListThatGrowsFarBeyondWhatItsFirstPageAnnouncedStopsAtACapDerivedFromIt() throws Exception {
            // given page 1 announces 2 pages, and every later page says there are millions
            listsOneBatchAPageForever(yofacturo, 2, 5_000_000);

            // when the feed runs (paging.max-pages at its default)
            JsonNode report = runBatchesOnce(context);

            // then the walk stopped at the cap derived from the first page (2 pages, a tenth more, and 2): 4 pages
            assertThat(JsonFiles.in(work.resolve("out/yofacturo/invoice-batches"))).isEqualTo(4);
            assertThat(report.get("errors").get(0).asText()).contains("reached its cap of 4 pages");
            assertThat(requestsForPage(yofacturo, 6)).isZero();
            assertThat(List.of(requestsForPage(yofacturo, 1), requestsForPage(yofacturo, 4))).containsOnly(1);
        }
    }

    @Nested
    class CappedAtFivePages extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theAppWalkingAtMostFivePages(MainConfigurationProperties main) {
            RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                    .property("paging.max-pages", "5").configure(main);
        }

        @Test
        void aPageCountInTheMillionsIsCappedByPagingMaxPages() throws Exception {
            // given a list that announces 5,000,000 pages of one batch each, and paging.max-pages = 5
            listsOneBatchAPageForever(yofacturo, 5_000_000, 5_000_000);

            // when the feed runs
            JsonNode report = runBatchesOnce(context);

            // then 5 pages were delivered, the walk stopped there as an error of the run, and no page after 6 was asked
            assertThat(JsonFiles.in(work.resolve("out/yofacturo/invoice-batches"))).isEqualTo(5);
            assertThat(report.get("error_count").asInt()).isEqualTo(1);
            assertThat(report.get("errors").get(0).asText()).contains("reached its cap of 5 pages");
            assertThat(requestsForPage(yofacturo, 7)).isZero();
        }
    }

    @Nested
    class YampiCappedAtThreePages extends SharedAppContext {

        // the WireMock server stands in for Yampi here
        private final YoFacturoStub yampi = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theAppWithYampiConversationsWalkingAtMostThreePages(MainConfigurationProperties main) {
            RunningApp.builder(work).yampi(yampi.baseUrl(), "yampi_FAKE_TOKEN", "user", "1")
                    .property("yampi.poll-cron", RunningApp.NEVER).property("yampi.resources", "conversations")
                    .property("paging.max-pages", "3").configure(main);
        }

        @Test
        void aYampiListThatNeverEndsIsCappedToo() throws Exception {
            // given Yampi conversations whose every page is a full page of 25 and whose total says millions: never ends
            StringBuilder records = new StringBuilder();
            for (int i = 0; i < 25; i++) {
                records.append(i == 0 ? "" : ", ").append("{\"id\": {{request.query.page}}0").append(i < 10 ? "0" : "")
                        .append(i).append(", \"status\": \"open\"}");
            }
            yampi.server().stubFor(get(urlPathEqualTo("/api/v1/accounts/1/conversations")).atPriority(1)
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withTransformers("response-template")
                            .withBody("{\"data\": {\"meta\": {\"all_count\": 5000000}, \"payload\": [" + records + "]}}")));

            // when the feed runs
            JsonNode report = runOnce(context, "yampi-conversations");

            // then it stopped after 3 pages, as an error of that run
            assertThat(JsonFiles.in(work.resolve("out/yampi/1/conversations"))).isEqualTo(75);
            assertThat(report.get("errors").get(0).asText()).contains("reached its cap of 3 pages");
        }
    }
}
