package org.yofacturoyampi.routes.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.yofacturo.IdempotencyKeys;

/**
 * A batch submitted again, also after a restart, is created once: the restart is the point, so this one starts the
 * application twice ({@link RunningApp}) rather than sharing the kit's context with {@link InvoiceBatchSubmissionTest}.
 */
class InvoiceBatchResubmissionTest {

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().batchCount(5).build();
    private final Sandbox sandbox = Sandbox.start(settings);

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    private RunningApp start() {
        return RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey()).start();
    }

    private Path inbound() {
        return work.resolve("in/invoice-batches");
    }

    private List<RecordedRequest> posts() {
        return sandbox.yofacturo().recordedRequests().stream()
                .filter(r -> r.method().equals("POST") && r.path().equals("/api/v1/invoice_batches")).toList();
    }

    @Test
    void theSameBatchSubmittedTwiceAndAgainAfterARestartCreatesOneBatch() throws Exception {
        // given a batch submitted, then again (a retrying ERP), then again after a crash and restart
        try (RunningApp app = start()) {
            InboundFiles.drop(inbound(), "first.json", InboundFiles.batch("erp-0002", "A1"));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(inbound().resolve(".done/first.json")));
            InboundFiles.drop(inbound(), "again.json", InboundFiles.batch("erp-0002", "A1"));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(inbound().resolve(".done/again.json")));
        }
        InboundFiles.drop(inbound(), "after-restart.json", InboundFiles.batch("erp-0002", "A1"));
        try (RunningApp app = start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(inbound().resolve(".done/after-restart.json")));
        }

        // then three posts carried one key, and YoFacturo created one batch
        assertThat(posts()).hasSize(3).extracting(r -> r.header("Idempotency-Key")).containsOnly(
                IdempotencyKeys.forInvoiceBatch("erp-0002").toString());
        assertThat(sandbox.yofacturo().createdBatches()).isEqualTo(1);
    }
}
