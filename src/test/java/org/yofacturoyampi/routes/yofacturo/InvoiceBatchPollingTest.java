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
import java.util.stream.Stream;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.YoFacturoStub;

class InvoiceBatchPollingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private final YoFacturoStub yofacturo = new YoFacturoStub().issuesSession();

    @AfterEach
    void stopStub() {
        yofacturo.close();
    }

    private RunningApp startPollingEverySecond() {
        return RunningApp.builder(work)
                .yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND)
                .start();
    }

    private Path batchFile(int id) {
        return work.resolve("out/yofacturo/invoice-batches/" + id + ".json");
    }

    private long batchFiles() throws Exception {
        return JsonFiles.in(work.resolve("out/yofacturo/invoice-batches"));
    }

    @Test
    void walksEveryPageWithPerPage100AndNoFurther() throws Exception {
        // given 250 batches: pages 1, 2 and 3 of 100
        yofacturo.listsBatches(YoFacturoStub.batches(250));

        // when a poll runs
        try (RunningApp app = startPollingEverySecond()) {
            await().atMost(Duration.ofSeconds(15)).until(() -> batchFiles() == 250);
        }

        // then pages 1..3 were asked for with per_page=100, and page 4 never
        for (int page = 1; page <= 3; page++) {
            assertThat(yofacturo.server().findAll(getRequestedFor(urlPathEqualTo("/api/v1/invoice_batches"))
                    .withQueryParam("page", equalTo(String.valueOf(page)))
                    .withQueryParam("per_page", equalTo("100")))).isNotEmpty();
        }
        assertThat(yofacturo.server().findAll(getRequestedFor(urlPathEqualTo("/api/v1/invoice_batches"))
                .withQueryParam("page", equalTo("4")))).isEmpty();
    }

    @Test
    void writesOneFilePerBatchHoldingExactlyTheBatchTheApiReturned() throws Exception {
        // given two batches
        List<Map<String, Object>> batches = YoFacturoStub.batches(2);
        yofacturo.listsBatches(batches);

        // when a poll runs
        try (RunningApp app = startPollingEverySecond()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(batchFile(2)));
        }

        // then each file is that batch's JSON object, nothing more, nothing less
        JsonNode written = JSON.readTree(batchFile(1).toFile());
        assertThat(written).isEqualTo(JSON.valueToTree(batches.get(0)));
        assertThat(JSON.readTree(batchFile(2).toFile())).isEqualTo(JSON.valueToTree(batches.get(1)));
        try (Stream<Path> files = Files.list(batchFile(1).getParent())) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("1.json", "2.json");
        }
    }

    @Test
    void deliversEachInvoiceOfADeliveredBatchAsItsOwnFile() throws Exception {
        // given a batch with two invoices
        yofacturo.listsBatches(YoFacturoStub.batches(1))
                .listsInvoices(1, List.of(YoFacturoStub.invoice(11), YoFacturoStub.invoice(12)));

        // when a poll runs
        Path invoices = work.resolve("out/yofacturo/batch-invoices/1");
        try (RunningApp app = startPollingEverySecond()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(invoices.resolve("12.json")));
        }

        // then each invoice is its own file under its batch
        assertThat(JSON.readTree(invoices.resolve("11.json").toFile()))
                .isEqualTo(JSON.valueToTree(YoFacturoStub.invoice(11)));
        assertThat(JSON.readTree(invoices.resolve("12.json").toFile()).get("invoice_number").asText())
                .isEqualTo("F2026-12");
    }

    @Test
    void doesNotDeliverAnUnchangedBatchAgainButDeliversAChangedOne() throws Exception {
        // given three batches delivered by a first poll
        List<Map<String, Object>> batches = YoFacturoStub.batches(3);
        yofacturo.listsBatches(batches);
        try (RunningApp app = startPollingEverySecond()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> batchFiles() == 3);
            Files.delete(batchFile(1));
            Files.delete(batchFile(2));
            int listCallsBefore = listCalls();

            // when batch 2 changes and more polls run
            batches.get(1).put("status", "processed");
            batches.get(1).put("processed_at", "2026-03-27T11:00:00Z");
            yofacturo.listsBatches(batches);
            await().atMost(Duration.ofSeconds(10)).until(() -> listCalls() >= listCallsBefore + 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(batchFile(2)));
        }

        // then only the changed batch came again
        assertThat(JSON.readTree(batchFile(2).toFile()).get("status").asText()).isEqualTo("processed");
        assertThat(batchFile(1)).doesNotExist();
    }

    @Test
    void remembersDeliveriesAcrossARestart() throws Exception {
        // given a first run that delivered two batches
        yofacturo.listsBatches(YoFacturoStub.batches(2));
        try (RunningApp first = startPollingEverySecond()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> batchFiles() == 2);
        }
        Files.delete(batchFile(1));
        Files.delete(batchFile(2));

        // when a new run with the same state folder polls twice
        int listCallsBefore = listCalls();
        try (RunningApp second = startPollingEverySecond()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> listCalls() >= listCallsBefore + 2);
        }

        // then nothing is delivered again
        assertThat(batchFiles()).isZero();
    }

    private int listCalls() {
        return yofacturo.server().findAll(getRequestedFor(urlPathEqualTo("/api/v1/invoice_batches"))).size();
    }
}
