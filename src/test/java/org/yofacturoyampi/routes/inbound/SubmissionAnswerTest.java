package org.yofacturoyampi.routes.inbound;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
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
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/** An answer YoFacturo gave is never lost and never re-sent; a batch without a usable external_batch_id is not sent. */
class SubmissionAnswerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CREATED = "{\"data\": {\"id\": 77, \"external_batch_id\": \"erp-0009\", \"status\": \"received\"}}";

    @TempDir
    Path work;

    private final YoFacturoStub yofacturo = new YoFacturoStub().issuesSession();

    @AfterEach
    void stopStub() {
        yofacturo.close();
    }

    private RunningApp start() {
        return RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY).start();
    }

    private Path inbound() {
        return work.resolve("in/invoice-batches");
    }

    private int posts() {
        return yofacturo.server().findAll(postRequestedFor(urlPathEqualTo("/api/v1/invoice_batches"))).size();
    }

    @Test
    void aCreatedBatchWhoseResultCannotBeWrittenUnderItsNameIsRecordedUnderAFallbackNameAndNotPostedAgain()
            throws Exception {
        // given YoFacturo creates the batch, and its usual result file name is taken by a folder (not empty, so the
        // file component cannot replace it)
        yofacturo.server().stubFor(post("/api/v1/invoice_batches").willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(CREATED)));
        Path results = work.resolve("out/yofacturo/submissions");
        Files.writeString(Files.createDirectories(results.resolve("erp-0009.json")).resolve("keep"), "not empty");
        InboundFiles.drop(inbound(), "b.json", InboundFiles.batch("erp-0009"));

        try (LogCapture log = LogCapture.start(); RunningApp app = start()) {
            // when the batch is submitted
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(inbound().resolve(".done/b.json")));

            // then YoFacturo's answer is under another name in the results, said in one WARN line naming it
            List<Path> written;
            try (Stream<Path> files = Files.list(results)) {
                written = files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".json")).toList();
            }
            assertThat(written).hasSize(1);
            JsonNode answer = JSON.readTree(written.get(0).toFile());
            assertThat(answer.get("data").get("id").asInt()).isEqualTo(77);
            assertThat(written.get(0).getFileName().toString()).matches("[0-9a-f]{64}-[0-9-]+\\.json");
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("erp-0009"))
                    .singleElement().asString().contains(written.get(0).getFileName().toString().replace(".json", ""));

            // and, polls later, it was posted once only
            app.awaitPolls(inbound(), 4);
            assertThat(posts()).isEqualTo(1);
            assertThat(inbound().resolve("b.json")).doesNotExist();
        }
    }

    @ParameterizedTest(name = "external_batch_id: {0}")
    @ValueSource(strings = {"null", "42", "\"\"", "{}"})
    void anExternalBatchIdThatIsNotANonEmptyStringIsRefusedLocallyAndNotPosted(String externalBatchId) throws Exception {
        // given a batch whose external_batch_id is not text
        InboundFiles.drop(inbound(), "b.json",
                "{\"invoice_batch\": {\"external_batch_id\": " + externalBatchId + ", \"invoices\": []}}");

        try (RunningApp app = start()) {
            // then it lands in the submission errors as invalid, naming the field
            Path errors = work.resolve("out/yofacturo/submission-errors");
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors) == 1);
            try (var files = Files.list(errors)) {
                JsonNode error = JSON.readTree(files.findFirst().orElseThrow().toFile());
                assertThat(error.get("outcome").asText()).isEqualTo("invalid");
                assertThat(error.get("error").get("message").asText()).contains("external_batch_id");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbound().resolve(".done/b.json")));
        }
        // and nothing was sent to YoFacturo
        assertThat(posts()).isZero();
    }
}
