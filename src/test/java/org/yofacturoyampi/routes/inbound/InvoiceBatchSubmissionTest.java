package org.yofacturoyampi.routes.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.yofacturo.IdempotencyKeys;

/**
 * Create-batch bodies dropped in data/in/invoice-batches, posted to the sandbox's YoFacturo. On Camel's test kit: the
 * tests share one context of the real app ({@link CamelMainTest}); each drops a file of its own name and external id
 * and looks at the posts, batches created and error files since it dropped it. A batch submitted again after a
 * restart: {@link InvoiceBatchResubmissionTest}.
 */
@CamelMainTest
class InvoiceBatchSubmissionTest extends SharedAppContext {

    private static final ObjectMapper JSON = new ObjectMapper();

    // the context's folder, for all its tests (a @TempDir field would be made again, and emptied, for each test)
    private final SandboxSettings settings = SandboxSettings.builder().batchCount(5).build();
    private final Sandbox sandbox = upstream(Sandbox.start(settings));

    @Configure
    void theAppOnTheSandbox(MainConfigurationProperties main) {
        RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey()).configure(main);
    }

    private Path inbound() {
        return work.resolve("in/invoice-batches");
    }

    private List<RecordedRequest> posts() {
        return sandbox.yofacturo().recordedRequests().stream()
                .filter(r -> r.method().equals("POST") && r.path().equals("/api/v1/invoice_batches")).toList();
    }

    private List<Path> errorFiles() throws IOException {
        return InboundFiles.submissionErrors(work);
    }

    private List<Path> errorFilesBut(Set<Path> before) throws IOException {
        return errorFiles().stream().filter(f -> !before.contains(f)).toList();
    }

    @Test
    void aDroppedBatchIsPostedWithTheBearerAndAKeyDerivedFromItsExternalIdAndTheAnswerGoesToTheResults() throws Exception {
        int postsBefore = posts().size();
        int createdBefore = sandbox.yofacturo().createdBatches();

        // when a create-batch body is dropped
        InboundFiles.drop(inbound(), "b1.json", InboundFiles.batch("erp-0001", "A1", "A2"));

        Path result = work.resolve("out/yofacturo/submissions/erp-0001.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(result));

        // then YoFacturo's answer is the result, and the inbound file moved to .done/
        JsonNode answer = JSON.readTree(result.toFile());
        assertThat(answer.get("data").get("external_batch_id").asText()).isEqualTo("erp-0001");
        assertThat(answer.get("data").get("invoices_count").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbound().resolve(".done/b1.json")));
        assertThat(sandbox.yofacturo().createdBatches() - createdBefore).isEqualTo(1);
        List<RecordedRequest> posts = posts();
        assertThat(posts).hasSize(postsBefore + 1);
        RecordedRequest post = posts.get(postsBefore);
        assertThat(post.header("Idempotency-Key")).isEqualTo(IdempotencyKeys.forInvoiceBatch("erp-0001").toString());
        assertThat(post.header("Authorization")).startsWith("Bearer ");
    }

    @Test
    void aPartlyRefusedBatchSendsItsRefusedInvoicesToTheSubmissionErrors() throws Exception {
        // given a batch whose invoice A2 lacks issuer_nif
        Set<Path> errorsBefore = Set.copyOf(errorFiles());
        InboundFiles.drop(inbound(), "partial.json", "{\"invoice_batch\": {\"external_batch_id\": \"erp-0003\", "
                + "\"invoices\": [{\"external_invoice_id\": \"A1\", \"issuer_nif\": \"B00000000\"}, "
                + "{\"external_invoice_id\": \"A2\"}]}}");

        await().atMost(Duration.ofSeconds(20)).until(() -> errorFilesBut(errorsBefore).size() == 1);

        // then the answer is a result, and the refused invoice is in the errors, keyed by its external id
        List<Path> added = errorFilesBut(errorsBefore);
        assertThat(added).hasSize(1);
        JsonNode error = JSON.readTree(added.get(0).toFile());
        assertThat(error.get("outcome").asText()).isEqualTo("partial");
        assertThat(error.get("external_batch_id").asText()).isEqualTo("erp-0003");
        assertThat(error.get("errors").get("A2").get(0).asText()).isEqualTo("issuer_nif is required");
        assertThat(error.get("errors").has("A1")).isFalse();
        assertThat(work.resolve("out/yofacturo/submissions/erp-0003.json")).exists();
    }

    @Test
    void aBodyThatIsNotACreateBatchBodyGoesToTheErrorsWithTheReasonAndIsNotPosted() throws Exception {
        Set<Path> errorsBefore = Set.copyOf(errorFiles());
        int postsBefore = posts().size();
        InboundFiles.drop(inbound(), "nonsense.json", "{\"invoices\": []}");

        await().atMost(Duration.ofSeconds(20)).until(() -> errorFilesBut(errorsBefore).size() == 1);
        List<Path> added = errorFilesBut(errorsBefore);
        assertThat(added).hasSize(1);
        JsonNode error = JSON.readTree(added.get(0).toFile());
        assertThat(error.get("error").get("message").asText()).contains("external_batch_id");
        assertThat(error.get("submission").toString()).isEqualTo("{\"invoices\":[]}");
        // (once the file is done with, nothing more can be posted for it)
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbound().resolve(".done/nonsense.json")));
        assertThat(posts()).hasSize(postsBefore);
    }
}
