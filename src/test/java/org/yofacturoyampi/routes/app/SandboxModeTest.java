package org.yofacturoyampi.routes.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;

class SandboxModeTest {

    @TempDir
    Path work;

    private long count(Path dir) throws Exception {
        return JsonFiles.under(dir);
    }

    @Test
    void withSandboxTheAppPullsTheSimulatedBatchesInvoicesAndYampiRecordsIntoJsonFiles() throws Exception {
        // given the app started with --sandbox (300 generated batches, 1 to 3 invoices each; Yampi account 1)
        try (RunningApp app = RunningApp.builder(work).sandbox()
                .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND)
                .property("yampi.poll-cron", RunningApp.EVERY_SECOND).start()) {

            // when a poll runs, then every batch and every invoice arrives as a file
            Path batches = work.resolve("out/yofacturo/invoice-batches");
            await().atMost(Duration.ofSeconds(30)).until(() -> count(batches) == 300);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> count(work.resolve("out/yofacturo/batch-invoices")) == 100 + 100 * 2 + 100 * 3);
            assertThat(new ObjectMapper().readTree(batches.resolve("42.json").toFile()).get("external_batch_id").asText())
                    .isEqualTo("ext-000042");
            await().atMost(Duration.ofSeconds(10)).until(() -> count(work.resolve("out/yampi/1")) == 115);
        }
    }
}
