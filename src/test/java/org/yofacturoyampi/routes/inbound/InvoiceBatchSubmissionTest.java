package org.yofacturoyampi.routes.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.yofacturo.IdempotencyKeys;

/** Create-batch bodies dropped in data/in/invoice-batches, posted to the sandbox's YoFacturo. */
class InvoiceBatchSubmissionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

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
    void aDroppedBatchIsPostedWithTheBearerAndAKeyDerivedFromItsExternalIdAndTheAnswerGoesToTheResults() throws Exception {
        // when a create-batch body is dropped
        InboundFiles.drop(inbound(), "b1.json", InboundFiles.batch("erp-0001", "A1", "A2"));

        try (RunningApp app = start()) {
            Path result = work.resolve("out/yofacturo/submissions/erp-0001.json");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(result));

            // then YoFacturo's answer is the result, and the inbound file moved to .done/
            JsonNode answer = JSON.readTree(result.toFile());
            assertThat(answer.get("data").get("external_batch_id").asText()).isEqualTo("erp-0001");
            assertThat(answer.get("data").get("invoices_count").asInt()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbound().resolve(".done/b1.json")));
        }
        assertThat(sandbox.yofacturo().createdBatches()).isEqualTo(1);
        RecordedRequest post = posts().get(0);
        assertThat(post.header("Idempotency-Key")).isEqualTo(IdempotencyKeys.forInvoiceBatch("erp-0001").toString());
        assertThat(post.header("Authorization")).startsWith("Bearer ");
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

    @Test
    void aPartlyRefusedBatchSendsItsRefusedInvoicesToTheSubmissionErrors() throws Exception {
        // given a batch whose invoice A2 lacks issuer_nif
        InboundFiles.drop(inbound(), "partial.json", "{\"invoice_batch\": {\"external_batch_id\": \"erp-0003\", "
                + "\"invoices\": [{\"external_invoice_id\": \"A1\", \"issuer_nif\": \"B00000000\"}, "
                + "{\"external_invoice_id\": \"A2\"}]}}");

        try (RunningApp app = start()) {
            Path errors = work.resolve("out/yofacturo/submission-errors");
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors) == 1);

            // then the answer is a result, and the refused invoice is in the errors, keyed by its external id
            try (var files = Files.list(errors)) {
                JsonNode error = JSON.readTree(files.findFirst().orElseThrow().toFile());
                assertThat(error.get("outcome").asText()).isEqualTo("partial");
                assertThat(error.get("external_batch_id").asText()).isEqualTo("erp-0003");
                assertThat(error.get("errors").get("A2").get(0).asText()).isEqualTo("issuer_nif is required");
                assertThat(error.get("errors").has("A1")).isFalse();
            }
            assertThat(work.resolve("out/yofacturo/submissions/erp-0003.json")).exists();
        }
    }

    @Test
    void aBodyThatIsNotACreateBatchBodyGoesToTheErrorsWithTheReasonAndIsNotPosted() throws Exception {
        InboundFiles.drop(inbound(), "nonsense.json", "{\"invoices\": []}");

        try (RunningApp app = start()) {
            Path errors = work.resolve("out/yofacturo/submission-errors");
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors) == 1);
            try (var files = Files.list(errors)) {
                JsonNode error = JSON.readTree(files.findFirst().orElseThrow().toFile());
                assertThat(error.get("error").get("message").asText()).contains("external_batch_id");
                assertThat(error.get("submission").toString()).isEqualTo("{\"invoices\":[]}");
            }
        }
        assertThat(posts()).isEmpty();
    }
}
