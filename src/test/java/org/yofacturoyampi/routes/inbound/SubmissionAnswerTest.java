package org.yofacturoyampi.routes.inbound;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yofacturoyampi.routes.support.InboundPolls;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * An answer YoFacturo gave is never lost and never re-sent; a batch without a usable external_batch_id is not sent.
 * On Camel's test kit: the tests share one context of the real app ({@link CamelMainTest}, one configuration) against
 * a WireMock YoFacturo; each drops a file of its own name and looks at its own results, errors and posts.
 */
@CamelMainTest
class SubmissionAnswerTest extends SharedAppContext {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CREATED = "{\"data\": {\"id\": 77, \"external_batch_id\": \"erp-0009\", \"status\": \"received\"}}";

    // the context's folder, for all its tests (a @TempDir field would be made again, and emptied, for each test)
    private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

    @Configure
    void theApp(MainConfigurationProperties main) {
        RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY).configure(main);
    }

    private Path inbound() {
        return work.resolve("in/invoice-batches");
    }

    private int posts() {
        return yofacturo.server().findAll(postRequestedFor(urlPathEqualTo("/api/v1/invoice_batches"))).size();
    }

    private List<Path> errorFiles() throws IOException {
        return InboundFiles.submissionErrors(work);
    }

    @Test
    void aCreatedBatchWhoseResultCannotBeWrittenUnderItsNameIsRecordedUnderAFallbackNameAndNotPostedAgain()
            throws Exception {
        // given YoFacturo creates the batch, and its usual result file name is taken by a folder (not empty, so the
        // file component cannot replace it)
        yofacturo.server().stubFor(post("/api/v1/invoice_batches")
                .withRequestBody(matchingJsonPath("$.invoice_batch.external_batch_id", equalTo("erp-0009")))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(CREATED)));
        Path results = work.resolve("out/yofacturo/submissions");
        Files.writeString(Files.createDirectories(results.resolve("erp-0009.json")).resolve("keep"), "not empty");
        int postsBefore = posts();

        try (LogCapture log = LogCapture.start()) {
            // when the batch is submitted
            InboundFiles.drop(inbound(), "b.json", InboundFiles.batch("erp-0009"));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(inbound().resolve(".done/b.json")));

            // then YoFacturo's answer is under another name in the results, said in one WARN line naming it (no other
            // test of this context writes a result)
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
            InboundPolls.await(context, inbound(), 4);
            assertThat(posts() - postsBefore).isEqualTo(1);
            assertThat(inbound().resolve("b.json")).doesNotExist();
        }
    }

    @ParameterizedTest(name = "external_batch_id: {0}")
    @ValueSource(strings = {"null", "42", "\"\"", "{}"})
    void anExternalBatchIdThatIsNotANonEmptyStringIsRefusedLocallyAndNotPosted(String externalBatchId) throws Exception {
        // given a batch whose external_batch_id is not text (its file named for the value: the tests share a folder)
        String name = "b-" + Integer.toHexString(externalBatchId.hashCode()) + ".json";
        Set<Path> errorsBefore = Set.copyOf(errorFiles());
        int postsBefore = posts();
        InboundFiles.drop(inbound(), name,
                "{\"invoice_batch\": {\"external_batch_id\": " + externalBatchId + ", \"invoices\": []}}");

        // then it lands in the submission errors as invalid, naming the field
        await().atMost(Duration.ofSeconds(20))
                .until(() -> errorFiles().stream().filter(f -> !errorsBefore.contains(f)).count() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbound().resolve(".done/" + name)));
        List<Path> added = errorFiles().stream().filter(f -> !errorsBefore.contains(f)).toList();
        assertThat(added).hasSize(1);
        JsonNode error = JSON.readTree(added.get(0).toFile());
        assertThat(error.get("outcome").asText()).isEqualTo("invalid");
        assertThat(error.get("error").get("message").asText()).contains("external_batch_id");
        // and nothing was sent to YoFacturo
        assertThat(posts()).isEqualTo(postsBefore);
    }
}
