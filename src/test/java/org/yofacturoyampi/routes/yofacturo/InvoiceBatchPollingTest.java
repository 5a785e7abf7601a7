package org.yofacturoyampi.routes.yofacturo;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SchedulePolls;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * The scheduled poll of YoFacturo's invoice batches within one run, on Camel's test kit: each nested class is one
 * configuration of the real app ({@link CamelMainTest}, polling every second) against a WireMock YoFacturo whose
 * batches are stubbed in its {@code @Configure}, before the context starts, so that the first poll finds them. The
 * batches differ from one class to the next on the same list, so each has a context of its own. Where the behaviour is
 * the file written (its name, its place, its content) the tests read the files; where it is what was delivered, a
 * {@link MockEndpoint} stands in for the downstream ({@code yofacturo.invoice-batches-to}). What a second run
 * remembers of the first is in {@link InvoiceBatchPollingAcrossStartsTest}.
 */
@CamelMainTest
class InvoiceBatchPollingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LIST = "/api/v1/invoice_batches";
    private static final String SCHEDULE = "yofacturo-invoice-batches-schedule";
    private static final String BATCHES = "mock:invoice-batches";

    private static RunningApp.Builder pollingEverySecond(Path work, YoFacturoStub yofacturo) {
        return RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND);
    }

    private static Path batchFile(Path work, int id) {
        return work.resolve("out/yofacturo/invoice-batches/" + id + ".json");
    }

    @Nested
    class TwoHundredAndFiftyBatches extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theAppPollingEverySecond(MainConfigurationProperties main) {
            // given 250 batches: pages 1, 2 and 3 of 100
            yofacturo.listsBatches(YoFacturoStub.batches(250));
            pollingEverySecond(work, yofacturo).configure(main);
        }

        @Test
        void walksEveryPageWithPerPage100AndNoFurther() {
            // when a poll runs
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> JsonFiles.in(work.resolve("out/yofacturo/invoice-batches")) == 250);

            // then pages 1..3 were asked for with per_page=100, and page 4 never
            for (int page = 1; page <= 3; page++) {
                assertThat(yofacturo.server().findAll(getRequestedFor(urlPathEqualTo(LIST))
                        .withQueryParam("page", equalTo(String.valueOf(page)))
                        .withQueryParam("per_page", equalTo("100")))).isNotEmpty();
            }
            assertThat(yofacturo.server().findAll(getRequestedFor(urlPathEqualTo(LIST))
                    .withQueryParam("page", equalTo("4")))).isEmpty();
        }
    }

    @Nested
    class TwoBatches extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());
        private final List<Map<String, Object>> batches = YoFacturoStub.batches(2);

        @Configure
        void theAppPollingEverySecond(MainConfigurationProperties main) {
            // given two batches
            yofacturo.listsBatches(batches);
            pollingEverySecond(work, yofacturo).configure(main);
        }

        @Test
        void writesOneFilePerBatchHoldingExactlyTheBatchTheApiReturned() throws Exception {
            // when a poll runs (a file has its name once it is written whole: the sink renames it from .inprogress-)
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(batchFile(work, 1)) && Files.exists(batchFile(work, 2)));

            // then each file is that batch's JSON object, nothing more, nothing less
            JsonNode written = JSON.readTree(batchFile(work, 1).toFile());
            assertThat(written).isEqualTo(JSON.valueToTree(batches.get(0)));
            assertThat(JSON.readTree(batchFile(work, 2).toFile())).isEqualTo(JSON.valueToTree(batches.get(1)));
            try (Stream<Path> files = Files.list(batchFile(work, 1).getParent())) {
                assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("1.json", "2.json");
            }
        }
    }

    @Nested
    class ABatchWithTwoInvoices extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theAppPollingEverySecond(MainConfigurationProperties main) {
            // given a batch with two invoices
            yofacturo.listsBatches(YoFacturoStub.batches(1))
                    .listsInvoices(1, List.of(YoFacturoStub.invoice(11), YoFacturoStub.invoice(12)));
            pollingEverySecond(work, yofacturo).configure(main);
        }

        @Test
        void deliversEachInvoiceOfADeliveredBatchAsItsOwnFile() throws Exception {
            // when a poll runs
            Path invoices = work.resolve("out/yofacturo/batch-invoices/1");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(invoices.resolve("11.json")) && Files.exists(invoices.resolve("12.json")));

            // then each invoice is its own file under its batch
            assertThat(JSON.readTree(invoices.resolve("11.json").toFile()))
                    .isEqualTo(JSON.valueToTree(YoFacturoStub.invoice(11)));
            assertThat(JSON.readTree(invoices.resolve("12.json").toFile()).get("invoice_number").asText())
                    .isEqualTo("F2026-12");
        }
    }

    @Nested
    class ThreeBatchesToADownstream extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());
        private final List<Map<String, Object>> batches = YoFacturoStub.batches(3);

        @Configure
        void theAppPollingEverySecondToAMock(MainConfigurationProperties main) {
            // given three batches, delivered to a mock endpoint
            yofacturo.listsBatches(batches);
            pollingEverySecond(work, yofacturo).property("yofacturo.invoice-batches-to", BATCHES).configure(main);
        }

        @Test
        void doesNotDeliverAnUnchangedBatchAgainButDeliversAChangedOne() throws Exception {
            // given the three batches delivered by a first poll
            MockEndpoint downstream = context.getEndpoint(BATCHES, MockEndpoint.class);
            downstream.expectedMessageCount(3);
            downstream.expectedHeaderValuesReceivedInAnyOrder("YoFacturoInvoiceBatchId", "1", "2", "3");
            downstream.setResultWaitTime(10_000);
            downstream.assertIsSatisfied();

            // when batch 2 changes and more polls run
            batches.get(1).put("status", "processed");
            batches.get(1).put("processed_at", "2026-03-27T11:00:00Z");
            yofacturo.listsBatches(batches);
            await().atMost(Duration.ofSeconds(10)).until(() -> downstream.getReceivedCounter() >= 4);
            NotifyBuilder twoMorePolls = SchedulePolls.completed(context, SCHEDULE, 2);
            assertThat(twoMorePolls.matches(20, TimeUnit.SECONDS)).as("two more polls completed").isTrue();

            // then only the changed batch came again, once, as changed
            assertThat(downstream.getReceivedCounter()).isEqualTo(4);
            Exchange again = downstream.getReceivedExchanges().get(3);
            assertThat(again.getMessage().getHeader("YoFacturoInvoiceBatchId", String.class)).isEqualTo("2");
            assertThat(JSON.readTree(again.getMessage().getBody(String.class)).get("status").asText())
                    .isEqualTo("processed");
        }
    }
}
