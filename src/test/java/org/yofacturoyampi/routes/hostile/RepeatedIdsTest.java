package org.yofacturoyampi.routes.hostile;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * An id listed twice with different content in one walk is delivered once per poll at most, and said once. On Camel's
 * test kit ({@link CamelMainTest}): the real app against a WireMock YoFacturo, the feed run as a trigger runs it.
 */
@CamelMainTest
class RepeatedIdsTest extends SharedAppContext {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

    @Configure
    void theApp(MainConfigurationProperties main) {
        RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY).configure(main);
    }

    private void page(int page, String data) {
        yofacturo.server().stubFor(get(urlPathEqualTo("/api/v1/invoice_batches")).atPriority(1)
                .withQueryParam("page", equalTo(String.valueOf(page)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"data\": [" + data + "], \"meta\": {\"current_page\": " + page
                                + ", \"total_pages\": 2, \"total_count\": 4, \"per_page\": 2}}")));
    }

    private JsonNode runOnce() throws Exception {
        return JSON.readTree(context.createProducerTemplate().requestBodyAndHeader("direct:sync", null,
                "SyncFeed", "yofacturo-invoice-batches", String.class));
    }

    @Test
    void aBatchListedTwiceWithDifferentContentIsDeliveredOnceAndNotAsChangedAtEveryPoll() throws Exception {
        // given batch 1 is listed on page 1 as received and again on page 2 as processed
        page(1, "{\"id\": 1, \"status\": \"received\"}, {\"id\": 2, \"status\": \"received\"}");
        page(2, "{\"id\": 1, \"status\": \"processed\"}, {\"id\": 3, \"status\": \"received\"}");

        try (LogCapture log = LogCapture.start()) {
            // when the feed runs
            JsonNode first = runOnce();

            // then batches 1, 2 and 3 were delivered once each, and the repeat was said in one WARN line
            assertThat(first.get("delivered_total").asInt()).isEqualTo(3);
            assertThat(first.get("changed").asInt()).isZero();
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("more than once")).hasSize(1)
                    .allSatisfy(l -> assertThat(l).contains("yofacturo-invoice-batches").contains("/api/v1/invoice_batches"));

            // and when the feed runs again over the same answers, nothing is delivered as changed
            JsonNode second = runOnce();
            assertThat(second.get("delivered_total").asInt()).isZero();
        }
    }
}
