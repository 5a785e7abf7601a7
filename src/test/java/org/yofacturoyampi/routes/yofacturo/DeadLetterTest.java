package org.yofacturoyampi.routes.yofacturo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.YoFacturoStub;

class DeadLetterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private final YoFacturoStub yofacturo = new YoFacturoStub().issuesSession();

    @AfterEach
    void stopStub() {
        yofacturo.close();
    }

    private RunningApp start() {
        return RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("yofacturo.poll-cron", "0/2 * * * * ?").start();
    }

    private List<Path> jsonFiles(String dir) throws Exception {
        Path d = work.resolve("out/" + dir);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
        }
    }

    @Test
    void aPageThatIsNotJsonGoesToTheDeadLettersAndTheWalkGoesOn() throws Exception {
        // given 250 batches whose page 2 comes back as a proxy's HTML page
        yofacturo.listsBatches(YoFacturoStub.batches(250));
        yofacturo.server().stubFor(get(urlPathEqualTo("/api/v1/invoice_batches")).atPriority(0)
                .withQueryParam("page", equalTo("2"))
                .willReturn(aResponse().withStatus(200).withBody("<html>502 proxy error</html>")));

        // when a poll runs
        try (RunningApp app = start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> jsonFiles("yofacturo/invoice-batches").size() == 150);
        }

        // then pages 1 and 3 were delivered, and page 2 is a dead letter with its raw body, path and error
        assertThat(jsonFiles("yofacturo/invoice-batches")).hasSize(150);
        assertThat(work.resolve("out/yofacturo/invoice-batches/101.json")).doesNotExist();
        List<Path> letters = jsonFiles("dead-letter");
        assertThat(letters).isNotEmpty();
        JsonNode letter = JSON.readTree(letters.get(0).toFile());
        assertThat(letter.get("feed").asText()).isEqualTo("yofacturo-invoice-batches");
        assertThat(letter.get("path").asText()).isEqualTo("/api/v1/invoice_batches");
        assertThat(letter.get("page").asInt()).isEqualTo(2);
        assertThat(letter.get("error").asText()).contains("not JSON");
        assertThat(letter.get("body").asText()).isEqualTo("<html>502 proxy error</html>");
        assertThat(Files.readString(letters.get(0))).doesNotContain(YoFacturoStub.TOKEN);
    }

    @Test
    void aWrongEnvelopeIsADeadLetterToo() throws Exception {
        // given the list answers JSON without a data array
        yofacturo.server().stubFor(get(urlPathEqualTo("/api/v1/invoice_batches")).atPriority(0)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"items\": []}")));

        // when a poll runs
        try (RunningApp app = start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !jsonFiles("dead-letter").isEmpty());
        }

        // then the dead letter says what was wrong
        JsonNode letter = JSON.readTree(jsonFiles("dead-letter").get(0).toFile());
        assertThat(letter.get("error").asText()).contains("no records at '/data'");
        assertThat(letter.get("body").asText()).isEqualTo("{\"items\": []}");
    }

    @Test
    void aBatchWhoseInvoicesPageIsUnreadableStaysPendingAndIsDeliveredOnceItReads() throws Exception {
        // given batch 1 whose invoices page is truncated JSON
        yofacturo.listsBatches(YoFacturoStub.batches(1));
        yofacturo.server().stubFor(get(urlPathEqualTo("/api/v1/invoice_batches/1/batch_invoices")).atPriority(0)
                .willReturn(aResponse().withStatus(200).withBody("{\"data\": [{\"id\": 1")));

        try (RunningApp app = start()) {
            // when a poll runs, the invoices page is a dead letter
            await().atMost(Duration.ofSeconds(10)).until(() -> !jsonFiles("dead-letter").isEmpty());

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
