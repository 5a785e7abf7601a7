package org.yofacturoyampi.routes.inbound;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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

class SubmissionFaultsTest {

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
        return RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("http.retry-delay", "100").start();
    }

    private Path inbound() {
        return work.resolve("in/invoice-batches");
    }

    @Test
    void a422LandsInTheErrorsWithTheApisMessage() throws Exception {
        // given YoFacturo refuses the batch
        yofacturo.server().stubFor(post("/api/v1/invoice_batches").willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"code\": \"unprocessable_entity\", \"message\": \"invoices can't be blank\"}}")));
        InboundFiles.drop(inbound(), "b.json", InboundFiles.batch("erp-0009"));

        try (RunningApp app = start()) {
            Path errors = work.resolve("out/yofacturo/submission-errors");
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors) == 1);

            // then the error holds the status, YoFacturo's message and the submission; nothing is retried
            try (var files = Files.list(errors)) {
                JsonNode error = JSON.readTree(files.findFirst().orElseThrow().toFile());
                assertThat(error.get("status").asInt()).isEqualTo(422);
                assertThat(error.get("error").get("message").asText()).isEqualTo("invoices can't be blank");
                assertThat(error.get("submission").get("invoice_batch").get("external_batch_id").asText()).isEqualTo("erp-0009");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbound().resolve(".done/b.json")));
        }
        assertThat(yofacturo.server().findAll(postRequestedFor(urlPathEqualTo("/api/v1/invoice_batches")))).hasSize(1);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {401, 408, 429})
    void aPassingRefusalLeavesTheBatchForTheNextPollWithOneLineNotInTheErrors(int status) throws Exception {
        // given YoFacturo answers the post with a refusal that says nothing about the batch itself: a session refused
        // even after a renewal (401), a request it timed out reading (408), a rate limit outlasting the waits (429)
        var refusal = yofacturo.server().stubFor(post("/api/v1/invoice_batches").willReturn(aResponse().withStatus(status)
                .withHeader("Retry-After", "0").withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"code\": \"refused\", \"message\": \"not now\"}}")));
        Path dropped = InboundFiles.drop(inbound(), "b.json", InboundFiles.batch("erp-0009"));

        try (LogCapture log = LogCapture.start();
             RunningApp app = RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                     .property("http.retry-delay", "100").property("http.rate-limit-retries", "1").start()) {
            // when a poll met it
            await().atMost(Duration.ofSeconds(20)).until(() -> log.linesAt(Level.WARN).stream()
                    .anyMatch(l -> l.contains("b.json not sent")));

            // then the batch is still in its folder, not filed as rejected, and one WARN line named the status
            assertThat(dropped).exists();
            assertThat(work.resolve("out/yofacturo/submission-errors")).doesNotExist();
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("b.json not sent")).first()
                    .satisfies(l -> assertThat(l).contains("HTTP " + status).doesNotContain("\tat "));
            assertThat(log.linesAt(Level.WARN)).noneMatch(l -> l.contains("rejected"));

            // and when YoFacturo accepts it, a later poll submits it
            yofacturo.server().removeStub(refusal);
            yofacturo.server().stubFor(post("/api/v1/invoice_batches").willReturn(aResponse().withStatus(201)
                    .withHeader("Content-Type", "application/json").withBody(CREATED)));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Files.exists(work.resolve("out/yofacturo/submissions/erp-0009.json")));
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbound().resolve(".done/b.json")));
        }
        assertThat(work.resolve("out/yofacturo/submission-errors")).doesNotExist();
    }

    @Test
    void withAMaxAttemptsABatchYoFacturoNeverTakesEndsInTheErrorsAfterThatManyPolls() throws Exception {
        // given YoFacturo answers 503 to every post, and submissions are capped at 2 polls (the default has no cap)
        yofacturo.server().stubFor(post("/api/v1/invoice_batches").willReturn(aResponse().withStatus(503)));
        InboundFiles.drop(inbound(), "b.json", InboundFiles.batch("erp-0009"));

        try (RunningApp app = RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("http.retries", "0").property("yofacturo.submit-max-attempts", "2").start()) {
            // when two polls could not send it
            Path errors = work.resolve("out/yofacturo/submission-errors");
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors) == 1);
            app.awaitPolls(inbound(), 3);

            // then it went to the errors as failed, with the reason and the submission, and was not sent again
            try (var files = Files.list(errors)) {
                JsonNode error = JSON.readTree(files.findFirst().orElseThrow().toFile());
                assertThat(error.get("outcome").asText()).isEqualTo("failed");
                assertThat(error.get("status").asInt()).isEqualTo(503);
                assertThat(error.get("error").get("message").asText()).contains("not sent after 2 attempts");
                assertThat(error.get("submission").get("invoice_batch").get("external_batch_id").asText()).isEqualTo("erp-0009");
            }
            assertThat(inbound().resolve(".done/b.json")).exists();
        }
        assertThat(yofacturo.server().findAll(postRequestedFor(urlPathEqualTo("/api/v1/invoice_batches")))).hasSize(2);
    }

    @Test
    void a5xxBurstIsRetriedWithTheSameKeyUntilTheBatchIsCreated() throws Exception {
        // given YoFacturo fails twice, then creates the batch
        yofacturo.server().stubFor(post("/api/v1/invoice_batches").inScenario("burst").whenScenarioStateIs(STARTED)
                .willSetStateTo("failed once").willReturn(aResponse().withStatus(503)));
        yofacturo.server().stubFor(post("/api/v1/invoice_batches").inScenario("burst").whenScenarioStateIs("failed once")
                .willSetStateTo("failed twice").willReturn(aResponse().withStatus(502)));
        yofacturo.server().stubFor(post("/api/v1/invoice_batches").inScenario("burst").whenScenarioStateIs("failed twice")
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(CREATED)));
        InboundFiles.drop(inbound(), "b.json", InboundFiles.batch("erp-0009"));

        try (RunningApp app = start()) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Files.exists(work.resolve("out/yofacturo/submissions/erp-0009.json")));
        }

        // then three posts, one key
        assertThat(yofacturo.server().findAll(postRequestedFor(urlPathEqualTo("/api/v1/invoice_batches"))))
                .hasSize(3).extracting(r -> r.getHeader("Idempotency-Key")).containsOnly(
                        org.yofacturoyampi.routes.yofacturo.IdempotencyKeys.forInvoiceBatch("erp-0009").toString());
    }

    @Test
    void whenYoFacturoStaysDownTheBatchStaysInTheFolderForTheNextPollWithOneLinePerAttempt() throws Exception {
        // given YoFacturo answers 503 to every post
        yofacturo.server().stubFor(post("/api/v1/invoice_batches").willReturn(aResponse().withStatus(503)));
        Path dropped = InboundFiles.drop(inbound(), "b.json", InboundFiles.batch("erp-0009"));

        try (LogCapture log = LogCapture.start(); RunningApp app = start()) {
            // when two polls gave up after their retries
            await().atMost(Duration.ofSeconds(20)).until(() -> log.linesAt(Level.WARN).stream()
                    .filter(l -> l.contains("b.json not sent")).count() >= 2);

            // then the file is still there, nothing went to the results or errors, and no stack trace was logged
            assertThat(dropped).exists();
            assertThat(work.resolve("out/yofacturo/submissions")).doesNotExist();
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("b.json not sent")).first()
                    .satisfies(l -> assertThat(l).contains("HTTP 503").doesNotContain("\tat "));
            assertThat(log.linesAt(Level.ERROR)).isEmpty();
        }
        // and every attempt carried the same key
        assertThat(yofacturo.server().findAll(postRequestedFor(urlPathEqualTo("/api/v1/invoice_batches"))))
                .extracting(LoggedRequest::getHeaders).extracting(h -> h.getHeader("Idempotency-Key").firstValue())
                .containsOnly(org.yofacturoyampi.routes.yofacturo.IdempotencyKeys.forInvoiceBatch("erp-0009").toString());
    }
}
