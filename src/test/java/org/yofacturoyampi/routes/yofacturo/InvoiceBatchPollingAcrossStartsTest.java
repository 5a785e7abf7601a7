package org.yofacturoyampi.routes.yofacturo;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * The invoice-batch poll across two starts of the app over the same state folder: what the first run delivered is not
 * delivered again by the second. A restart, so the app is started twice with {@link RunningApp} (the test kit makes one
 * context per test); the poll's behaviour within one run is in {@link InvoiceBatchPollingTest}.
 */
class InvoiceBatchPollingAcrossStartsTest {

    @TempDir
    Path work;

    private final YoFacturoStub yofacturo = new YoFacturoStub().issuesSession();

    @AfterEach
    void stopStub() {
        yofacturo.close();
    }

    private RunningApp startPollingEverySecond() {
        return RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND).start();
    }

    private Path batchFile(int id) {
        return work.resolve("out/yofacturo/invoice-batches/" + id + ".json");
    }

    private long batchFiles() throws Exception {
        return JsonFiles.in(work.resolve("out/yofacturo/invoice-batches"));
    }

    private int listCalls() {
        return yofacturo.server().findAll(getRequestedFor(urlPathEqualTo("/api/v1/invoice_batches"))).size();
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
}
