package org.yofacturoyampi.routes.yofacturo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * What the invoice-batch poll does with a page it cannot read (not JSON, the wrong envelope, truncated): the page goes
 * to the dead letters, with its raw body, and the walk goes on. On Camel's test kit: each nested class is one
 * configuration of the real app ({@link CamelMainTest}, polling every 2 s) against a WireMock YoFacturo whose bad page
 * is stubbed in its {@code @Configure}, before the context starts, so that the first poll meets it; each has a context
 * of its own. The dead letters are files whose content is the behaviour, so the tests read the files.
 */
@CamelMainTest
class DeadLetterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LIST = "/api/v1/invoice_batches";

    private static RunningApp.Builder pollingEveryTwoSeconds(Path work, YoFacturoStub yofacturo) {
        return RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("yofacturo.poll-cron", "0/2 * * * * ?");
    }

    /** The finished JSON files in out/{@code dir} (a sink's .inprogress- file is not one yet). */
    private static List<Path> jsonFiles(Path work, String dir) throws IOException {
        Path d = work.resolve("out/" + dir);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".json")
                    && !f.getFileName().toString().startsWith(".inprogress-")).toList();
        }
    }

    @Nested
    class APageThatIsNotJson extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theAppPollingEveryTwoSeconds(MainConfigurationProperties main) {
            // given 250 batches whose page 2 comes back as a proxy's HTML page
            yofacturo.listsBatches(YoFacturoStub.batches(250));
            yofacturo.server().stubFor(get(urlPathEqualTo(LIST)).atPriority(0)
                    .withQueryParam("page", equalTo("2"))
                    .willReturn(aResponse().withStatus(200).withBody("<html>502 proxy error</html>")));
            pollingEveryTwoSeconds(work, yofacturo).configure(main);
        }

        @Test
        void aPageThatIsNotJsonGoesToTheDeadLettersAndTheWalkGoesOn() throws Exception {
            // when a poll runs
            await().atMost(Duration.ofSeconds(10)).until(() -> jsonFiles(work, "yofacturo/invoice-batches").size() == 150
                    && !jsonFiles(work, "dead-letter").isEmpty());

            // then pages 1 and 3 were delivered, and page 2 is a dead letter with its raw body, path and error
            assertThat(jsonFiles(work, "yofacturo/invoice-batches")).hasSize(150);
            assertThat(work.resolve("out/yofacturo/invoice-batches/101.json")).doesNotExist();
            List<Path> letters = jsonFiles(work, "dead-letter");
            assertThat(letters).isNotEmpty();
            JsonNode letter = JSON.readTree(letters.get(0).toFile());
            assertThat(letter.get("feed").asText()).isEqualTo("yofacturo-invoice-batches");
            assertThat(letter.get("path").asText()).isEqualTo(LIST);
            assertThat(letter.get("page").asInt()).isEqualTo(2);
            assertThat(letter.get("error").asText()).contains("not JSON");
            assertThat(letter.get("body").asText()).isEqualTo("<html>502 proxy error</html>");
            assertThat(Files.readString(letters.get(0))).doesNotContain(YoFacturoStub.TOKEN);
        }
    }

    @Nested
    class AWrongEnvelope extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theAppPollingEveryTwoSeconds(MainConfigurationProperties main) {
            // given the list answers JSON without a data array
            yofacturo.server().stubFor(get(urlPathEqualTo(LIST)).atPriority(0)
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody("{\"items\": []}")));
            pollingEveryTwoSeconds(work, yofacturo).configure(main);
        }

        @Test
        void aWrongEnvelopeIsADeadLetterToo() throws Exception {
            // when a poll runs
            await().atMost(Duration.ofSeconds(10)).until(() -> !jsonFiles(work, "dead-letter").isEmpty());

            // then the dead letter says what was wrong
            JsonNode letter = JSON.readTree(jsonFiles(work, "dead-letter").get(0).toFile());
            assertThat(letter.get("error").asText()).contains("no records at '/data'");
            assertThat(letter.get("body").asText()).isEqualTo("{\"items\": []}");
        }
    }

    @Nested
    class AnUnreadableInvoicesPage extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theAppPollingEveryTwoSeconds(MainConfigurationProperties main) {
            // given batch 1 whose invoices page is truncated JSON
            yofacturo.listsBatches(YoFacturoStub.batches(1));
            yofacturo.server().stubFor(get(urlPathEqualTo("/api/v1/invoice_batches/1/batch_invoices")).atPriority(0)
                    .willReturn(aResponse().withStatus(200).withBody("{\"data\": [{\"id\": 1")));
            pollingEveryTwoSeconds(work, yofacturo).configure(main);
        }

        @Test
        void aBatchWhoseInvoicesPageIsUnreadableStaysPendingAndIsDeliveredOnceItReads() {
            // when a poll runs, the invoices page is a dead letter
            await().atMost(Duration.ofSeconds(10)).until(() -> !jsonFiles(work, "dead-letter").isEmpty());

            // and when the invoices read again
            yofacturo.server().removeStub(yofacturo.server().getStubMappings().stream()
                    .filter(m -> m.getPriority() != null && m.getPriority() == 0).findFirst().get());
            yofacturo.listsInvoices(1, List.of(YoFacturoStub.invoice(7)));

            // then a later poll delivers the invoice: the batch had not been marked delivered
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.exists(work.resolve("out/yofacturo/batch-invoices/1/7.json")));
        }
    }
}
