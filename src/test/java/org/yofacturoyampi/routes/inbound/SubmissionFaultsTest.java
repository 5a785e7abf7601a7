package org.yofacturoyampi.routes.inbound;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yofacturoyampi.routes.support.InboundPolls;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;
import org.yofacturoyampi.routes.yofacturo.IdempotencyKeys;

/**
 * How a batch submission meets YoFacturo's refusals and outages, on Camel's test kit: each nested class is one
 * configuration of the real app ({@link CamelMainTest}) against its own WireMock YoFacturo, and its tests share that
 * one context. So that they cannot see each other, each test drops its own file with its own external_batch_id, its
 * stubs answer only posts of that batch, and it looks only at its own posts, results and errors.
 */
@CamelMainTest
class SubmissionFaultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BATCHES = "/api/v1/invoice_batches";

    private static String created(String externalId) {
        return "{\"data\": {\"id\": 77, \"external_batch_id\": \"" + externalId + "\", \"status\": \"received\"}}";
    }

    /** A post of the batch with this external_batch_id, and no other. */
    private static MappingBuilder postOf(String externalId) {
        return post(urlPathEqualTo(BATCHES))
                .withRequestBody(matchingJsonPath("$.invoice_batch.external_batch_id", equalTo(externalId)));
    }

    private static List<LoggedRequest> postsOf(YoFacturoStub yofacturo, String externalId) {
        return yofacturo.server().findAll(postRequestedFor(urlPathEqualTo(BATCHES))
                .withRequestBody(matchingJsonPath("$.invoice_batch.external_batch_id", equalTo(externalId))));
    }

    /** The error files of the batch with this external_batch_id (they are named after it). */
    private static List<Path> errorsOf(Path work, String externalId) throws IOException {
        Path errors = work.resolve("out/yofacturo/submission-errors");
        if (!Files.isDirectory(errors)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(errors)) {
            return files.filter(f -> f.getFileName().toString().startsWith(externalId + "-")
                    && f.getFileName().toString().endsWith(".json")).toList();
        }
    }

    @Nested
    class RetryingAfter100Ms extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theAppRetryingAfter100Ms(MainConfigurationProperties main) {
            RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                    .property("http.retry-delay", "100").configure(main);
        }

        private Path inbound() {
            return work.resolve("in/invoice-batches");
        }

        @Test
        void a422LandsInTheErrorsWithTheApisMessage() throws Exception {
            // given YoFacturo refuses the batch
            yofacturo.server().stubFor(postOf("erp-0422").willReturn(aResponse().withStatus(422)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"error\": {\"code\": \"unprocessable_entity\", \"message\": \"invoices can't be blank\"}}")));
            InboundFiles.drop(inbound(), "b-422.json", InboundFiles.batch("erp-0422"));

            await().atMost(Duration.ofSeconds(20)).until(() -> errorsOf(work, "erp-0422").size() == 1);

            // then the error holds the status, YoFacturo's message and the submission; nothing is retried
            JsonNode error = JSON.readTree(errorsOf(work, "erp-0422").get(0).toFile());
            assertThat(error.get("status").asInt()).isEqualTo(422);
            assertThat(error.get("error").get("message").asText()).isEqualTo("invoices can't be blank");
            assertThat(error.get("submission").get("invoice_batch").get("external_batch_id").asText()).isEqualTo("erp-0422");
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbound().resolve(".done/b-422.json")));
            // (the file is done with: later polls cannot post it again)
            assertThat(postsOf(yofacturo, "erp-0422")).hasSize(1);
        }

        @Test
        void a5xxBurstIsRetriedWithTheSameKeyUntilTheBatchIsCreated() throws Exception {
            // given YoFacturo fails twice, then creates the batch
            yofacturo.server().stubFor(postOf("erp-0503").inScenario("burst").whenScenarioStateIs(STARTED)
                    .willSetStateTo("failed once").willReturn(aResponse().withStatus(503)));
            yofacturo.server().stubFor(postOf("erp-0503").inScenario("burst").whenScenarioStateIs("failed once")
                    .willSetStateTo("failed twice").willReturn(aResponse().withStatus(502)));
            yofacturo.server().stubFor(postOf("erp-0503").inScenario("burst").whenScenarioStateIs("failed twice")
                    .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                            .withBody(created("erp-0503"))));
            InboundFiles.drop(inbound(), "b-503.json", InboundFiles.batch("erp-0503"));

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Files.exists(work.resolve("out/yofacturo/submissions/erp-0503.json")));
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbound().resolve(".done/b-503.json")));

            // then three posts, one key
            assertThat(postsOf(yofacturo, "erp-0503")).hasSize(3).extracting(r -> r.getHeader("Idempotency-Key"))
                    .containsOnly(IdempotencyKeys.forInvoiceBatch("erp-0503").toString());
        }

        @Test
        void whenYoFacturoStaysDownTheBatchStaysInTheFolderForTheNextPollWithOneLinePerAttempt() throws Exception {
            // given YoFacturo answers 503 to every post
            var down = yofacturo.server().stubFor(postOf("erp-down").willReturn(aResponse().withStatus(503)));

            try (LogCapture log = LogCapture.start()) {
                Path dropped = InboundFiles.drop(inbound(), "b-down.json", InboundFiles.batch("erp-down"));

                // when two polls gave up after their retries
                await().atMost(Duration.ofSeconds(20)).until(() -> log.linesAt(Level.WARN).stream()
                        .filter(l -> l.contains("b-down.json not sent")).count() >= 2);

                // then the file is still there, nothing went to the results or errors, and no stack trace was logged
                assertThat(dropped).exists();
                assertThat(work.resolve("out/yofacturo/submissions/erp-down.json")).doesNotExist();
                assertThat(errorsOf(work, "erp-down")).isEmpty();
                assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("b-down.json not sent")).first()
                        .satisfies(l -> assertThat(l).contains("HTTP 503").doesNotContain("\tat "));
                assertThat(log.linesAt(Level.ERROR)).isEmpty();
            }
            // and every attempt carried the same key
            assertThat(postsOf(yofacturo, "erp-down")).isNotEmpty().extracting(r -> r.getHeader("Idempotency-Key"))
                    .containsOnly(IdempotencyKeys.forInvoiceBatch("erp-down").toString());

            // (the context goes on for the other tests: YoFacturo now creates the batch, so the file leaves the folder)
            yofacturo.server().removeStub(down);
            yofacturo.server().stubFor(postOf("erp-down").willReturn(aResponse().withStatus(201)
                    .withHeader("Content-Type", "application/json").withBody(created("erp-down"))));
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(inbound().resolve(".done/b-down.json")));
        }
    }

    @Nested
    class WaitingOnceOnARateLimit extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theAppRetryingAfter100MsAndWaitingOnceOnA429(MainConfigurationProperties main) {
            RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                    .property("http.retry-delay", "100").property("http.rate-limit-retries", "1").configure(main);
        }

        private Path inbound() {
            return work.resolve("in/invoice-batches");
        }

        @ParameterizedTest(name = "HTTP {0}")
        @ValueSource(ints = {401, 408, 429})
        void aPassingRefusalLeavesTheBatchForTheNextPollWithOneLineNotInTheErrors(int status) throws Exception {
            // given YoFacturo answers the post with a refusal that says nothing about the batch itself: a session refused
            // even after a renewal (401), a request it timed out reading (408), a rate limit outlasting the waits (429)
            String id = "erp-" + status;
            String name = "b-" + status + ".json";
            var refusal = yofacturo.server().stubFor(postOf(id).willReturn(aResponse().withStatus(status)
                    .withHeader("Retry-After", "0").withHeader("Content-Type", "application/json")
                    .withBody("{\"error\": {\"code\": \"refused\", \"message\": \"not now\"}}")));

            try (LogCapture log = LogCapture.start()) {
                Path dropped = InboundFiles.drop(inbound(), name, InboundFiles.batch(id));

                // when a poll met it
                await().atMost(Duration.ofSeconds(20)).until(() -> log.linesAt(Level.WARN).stream()
                        .anyMatch(l -> l.contains(name + " not sent")));

                // then the batch is still in its folder, not filed as rejected, and one WARN line named the status
                assertThat(dropped).exists();
                // (no test of this context files anything in the errors)
                assertThat(work.resolve("out/yofacturo/submission-errors")).doesNotExist();
                assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains(name + " not sent")).first()
                        .satisfies(l -> assertThat(l).contains("HTTP " + status).doesNotContain("\tat "));
                assertThat(log.linesAt(Level.WARN)).noneMatch(l -> l.contains("rejected"));

                // and when YoFacturo accepts it, a later poll submits it
                yofacturo.server().removeStub(refusal);
                yofacturo.server().stubFor(postOf(id).willReturn(aResponse().withStatus(201)
                        .withHeader("Content-Type", "application/json").withBody(created(id))));
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> Files.exists(work.resolve("out/yofacturo/submissions/" + id + ".json")));
                await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbound().resolve(".done/" + name)));
            }
            assertThat(work.resolve("out/yofacturo/submission-errors")).doesNotExist();
        }
    }

    @Nested
    class CappedAtTwoAttempts extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theAppNotRetryingAndGivingUpAfterTwoPolls(MainConfigurationProperties main) {
            // submissions capped at 2 polls (the default has no cap), and no retry within a poll
            RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                    .property("http.retries", "0").property("yofacturo.submit-max-attempts", "2").configure(main);
        }

        private Path inbound() {
            return work.resolve("in/invoice-batches");
        }

        @Test
        void withAMaxAttemptsABatchYoFacturoNeverTakesEndsInTheErrorsAfterThatManyPolls() throws Exception {
            // given YoFacturo answers 503 to every post
            yofacturo.server().stubFor(post(BATCHES).willReturn(aResponse().withStatus(503)));
            InboundFiles.drop(inbound(), "b.json", InboundFiles.batch("erp-0009"));

            // when two polls could not send it
            await().atMost(Duration.ofSeconds(20)).until(() -> errorsOf(work, "erp-0009").size() == 1);
            InboundPolls.await(context, inbound(), 3);

            // then it went to the errors as failed, with the reason and the submission, and was not sent again
            assertThat(errorsOf(work, "erp-0009")).hasSize(1);
            JsonNode error = JSON.readTree(errorsOf(work, "erp-0009").get(0).toFile());
            assertThat(error.get("outcome").asText()).isEqualTo("failed");
            assertThat(error.get("status").asInt()).isEqualTo(503);
            assertThat(error.get("error").get("message").asText()).contains("not sent after 2 attempts");
            assertThat(error.get("submission").get("invoice_batch").get("external_batch_id").asText()).isEqualTo("erp-0009");
            assertThat(inbound().resolve(".done/b.json")).exists();
            assertThat(yofacturo.server().findAll(postRequestedFor(urlPathEqualTo(BATCHES)))).hasSize(2);
        }
    }
}
