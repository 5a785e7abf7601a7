package org.yofacturoyampi.routes.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.NodeProcess;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/** The application as its own process, killed or stopped mid-poll, then started again on the same state. */
@Tag("processes")
class CrashAndShutdownIT {

    private static final int BATCHES = 300;
    /** Batches whose invoices are fetched at once: at most these are in flight at a crash. */
    private static final int CONCURRENT = 4;
    /** A JVM of its own starts the app: on a busy machine that alone may take most of a minute. */
    private static final Duration START_UP = Duration.ofSeconds(120);

    @TempDir
    Path work;

    @AutoClose
    private final YoFacturoStub yofacturo = new YoFacturoStub().issuesSession();

    /** The app as its own process on the test's folder (the same state each time), polling every second. */
    private NodeProcess launch(String name) {
        return NodeProcess.start(name, work, Map.of(
                "yofacturo.base-url", yofacturo.baseUrl(),
                "yofacturo.api-key", YoFacturoStub.API_KEY,
                "yofacturo.poll-cron", "0/1 * * * * ?",
                // every delivery is a file of its own (batches go 4 at a time), so a record delivered twice shows twice
                "yofacturo.invoice-batches-to", "file:" + work.resolve("deliveries")
                        + "?fileName=${header.YoFacturoInvoiceBatchName}-${exchangeId}.json",
                "yofacturo.max-concurrent-requests", String.valueOf(CONCURRENT)));
    }

    /** The batch of each delivery so far. */
    private List<String> deliveries() throws Exception {
        Path dir = work.resolve("deliveries");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.indexOf('-'))).toList();
        }
    }

    private Map<String, Long> deliveriesPerBatch() throws Exception {
        return deliveries().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private void givenSlowBatchesOnThreePages() {
        yofacturo.listsBatches(YoFacturoStub.batches(BATCHES));
        // each batch's invoices answer slowly, so a poll takes a few seconds
        yofacturo.server().stubFor(get(urlPathMatching("/api/v1/invoice_batches/[0-9]+/batch_invoices")).atPriority(4)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withFixedDelay(15).withBody("{\"data\":[],\"meta\":{\"current_page\":1,\"total_pages\":1,"
                                + "\"total_count\":0,\"per_page\":100}}")));
    }

    @Test
    void afterKillMinus9MidPollARestartDeliversEveryRecordAndRepeatsAtMostThoseInFlight() throws Exception {
        // given a poll under way
        givenSlowBatchesOnThreePages();
        try (NodeProcess first = launch("first")) {
            await().atMost(START_UP).until(() -> deliveries().size() >= 60);

            // when the process is killed with SIGKILL
            first.kill();
        }
        int beforeCrash = deliveries().size();
        assertThat(beforeCrash).isLessThan(BATCHES);

        // and started again on the same state
        try (NodeProcess second = launch("second")) {
            await().atMost(START_UP).until(() -> deliveriesPerBatch().size() == BATCHES);
            Thread.sleep(1500); // one more poll: it must deliver nothing
        }

        // then every batch arrived, and at most those in flight at the kill (one per request slot) arrived twice
        Map<String, Long> perBatch = deliveriesPerBatch();
        assertThat(perBatch).hasSize(BATCHES);
        long repeated = perBatch.values().stream().filter(n -> n > 1).count();
        assertThat(repeated).isLessThanOrEqualTo(CONCURRENT);
        assertThat(perBatch.values()).allMatch(n -> n <= 2);
    }

    @Test
    void sigtermStopsAtAPageBoundaryAndTheStateStaysConsistent() throws Exception {
        // given a poll under way
        givenSlowBatchesOnThreePages();
        try (NodeProcess first = launch("first")) {
            await().atMost(START_UP).until(() -> deliveries().size() >= 30);

            // when the process gets SIGTERM
            first.terminate();

            // then it stops on its own, well within the shutdown timeout
            assertThat(first.exitStatus(Duration.ofSeconds(25))).as("ended by itself").isNotNull();
        }

        // and a restart delivers the rest, each batch exactly once in all
        try (NodeProcess second = launch("second")) {
            await().atMost(START_UP).until(() -> deliveriesPerBatch().size() == BATCHES);
            Thread.sleep(1500);
        }
        assertThat(deliveriesPerBatch().values()).allMatch(n -> n == 1);
        assertThat(deliveries()).hasSize(BATCHES);
    }
}
