package org.yofacturoyampi.routes.kafka;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.KafkaBroker;
import org.yofacturoyampi.routes.support.NodeProcess;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.yofacturo.IdempotencyKeys;

/**
 * Batches to submit, Yampi messages to post and sync triggers read from Kafka topics of a real broker: an offset is
 * committed only once the message's outcome is written, so a crash reads it again, harmlessly.
 */
@Tag("kafka")
@Tag("processes")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaInboundIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SandboxSettings settings = SandboxSettings.builder().batchCount(3).build();
    private KafkaBroker broker;
    private Sandbox sandbox;
    private WireMockServer results;
    private Path work;
    private String topic;
    private String group;

    @BeforeAll
    void startBroker(@TempDir Path brokerDir) {
        broker = KafkaBroker.start(brokerDir);
    }

    @AfterAll
    void stopBroker() {
        broker.close();
    }

    /** Per test: its own folder, APIs, topic and consumer group. */
    @BeforeEach
    void start(@TempDir Path dir) {
        work = dir;
        sandbox = Sandbox.start(settings);
        results = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        results.start();
        topic = KafkaBroker.topic("inbound");
        group = "yyr-" + topic;
        broker.createTopics(topic);
    }

    @AfterEach
    void stop() {
        results.stop();
        sandbox.close();
    }

    /** The topic, read by the test's own group (a URI's options win over the component's defaults). */
    private String fromTopic() {
        return "kafka:" + topic + "?brokers=" + broker.bootstrapServers() + "&groupId=" + group;
    }

    private static String batch(String externalId) {
        return "{\"invoice_batch\": {\"external_batch_id\": \"" + externalId + "\", \"invoices\": [{\"external_invoice_id\": "
                + "\"A1\", \"issuer_nif\": \"B00000000\"}]}}";
    }

    private List<RecordedRequest> batchPosts() {
        return sandbox.yofacturo().recordedRequests().stream()
                .filter(r -> r.method().equals("POST") && r.path().equals("/api/v1/invoice_batches")).toList();
    }

    private List<RecordedRequest> messagePosts() {
        return sandbox.yampi().recordedRequests().stream()
                .filter(r -> r.method().equals("POST") && r.path().endsWith("/messages")).toList();
    }

    @Test
    void aPoisonMessageGoesToTheErrorsOnceAndThePartitionMovesOn() throws Exception {
        // given a message that is not JSON, then a batch
        broker.send(topic, "not JSON {", batch("erp-k1"));

        try (RunningApp app = RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                .property("yofacturo.submit-from", fromTopic()).start()) {
            // then the batch behind it is sent, the poison is filed with the errors once, and both offsets committed
            Path result = work.resolve("out/yofacturo/submissions/erp-k1.json");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(result));
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.committedOffset(group, topic) == 2);
            Thread.sleep(1000);
            Path errors = work.resolve("out/yofacturo/submission-errors");
            assertThat(JsonFiles.in(errors)).isEqualTo(1);
            try (var files = Files.list(errors)) {
                JsonNode error = JSON.readTree(files.findFirst().orElseThrow().toFile());
                assertThat(error.toString()).contains("not JSON");
            }
        }
        assertThat(batchPosts()).hasSize(1);
    }

    @Test
    void aBatchLeftForLaterIsReadAgainAndItsOffsetCommittedOnlyOnceYoFacturoAnswered() throws Exception {
        try (RunningApp app = RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                .property("http.retry-delay", "50").property("yofacturo.submit-from", fromTopic()).start()) {
            // given a session, then YoFacturo failing the first attempt (a 503 and its three redeliveries)
            await().atMost(Duration.ofSeconds(20)).until(() -> app.get("/observe/health/ready").statusCode() == 200);
            sandbox.yofacturo().failNext(4, 503);

            // when a batch comes
            broker.send(topic, batch("erp-k2"));

            // then the message is read again and sent, same key, and committed only then
            Path result = work.resolve("out/yofacturo/submissions/erp-k2.json");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(result));
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.committedOffset(group, topic) == 1);
        }
        assertThat(batchPosts()).hasSize(5).extracting(r -> r.header("Idempotency-Key"))
                .containsOnly(IdempotencyKeys.forInvoiceBatch("erp-k2").toString());
        assertThat(sandbox.yofacturo().createdBatches()).isEqualTo(1);
    }

    @Test
    void aBatchReadAgainAfterACrashBetweenItsPostAndItsCommitCarriesTheSameKeyAndMakesOneBatch() throws Exception {
        // given a batch in the topic, and a results endpoint that holds its answer
        broker.send(topic, batch("erp-k3"));
        results.stubFor(post("/held").willReturn(aResponse().withStatus(200).withFixedDelay(60_000)));
        results.stubFor(post("/results").willReturn(aResponse().withStatus(200)));

        // when the app is killed once YoFacturo took the batch, before the result is written and the offset committed
        NodeProcess first = NodeProcess.start("first", work.resolve("node"), submitting("/held"));
        try {
            showLogIfNot(first, () -> await().atMost(Duration.ofSeconds(90)).until(() -> batchPosts().size() == 1));
            Thread.sleep(500);
        } finally {
            first.kill();
        }
        assertThat(broker.committedOffset(group, topic)).isEqualTo(-1);

        // then, started again, it reads the batch again and sends it with the same key: YoFacturo makes one batch
        try (NodeProcess second = NodeProcess.start("second", work.resolve("node"), submitting("/results"))) {
            showLogIfNot(second, () -> {
                await().atMost(Duration.ofSeconds(90)).until(() -> !resultsAt("/results").isEmpty());
                await().atMost(Duration.ofSeconds(20)).until(() -> broker.committedOffset(group, topic) == 1);
            });
        }
        assertThat(resultsAt("/results")).hasSize(1);
        assertThat(batchPosts()).hasSize(2).extracting(r -> r.header("Idempotency-Key"))
                .containsOnly(IdempotencyKeys.forInvoiceBatch("erp-k3").toString());
        assertThat(sandbox.yofacturo().createdBatches()).isEqualTo(1);
    }

    private Map<String, String> submitting(String resultsPath) {
        return node(Map.of("yofacturo.base-url", sandbox.baseUrl(), "yofacturo.api-key", settings.yofacturoApiKey(),
                "yofacturo.submit-from", fromTopic(),
                "yofacturo.submit-results-to", "http://127.0.0.1:" + results.port() + resultsPath));
    }

    private List<com.github.tomakehurst.wiremock.verification.LoggedRequest> resultsAt(String path) {
        return results.findAll(postRequestedFor(urlEqualTo(path)));
    }

    @Test
    void aYampiMessageReadAgainAfterACrashBetweenItsPostAndItsCommitIsNotPostedAgain() throws Exception {
        // given a message in the topic, and a results endpoint that holds its answer
        broker.send(topic, "{\"account_id\": 1, \"conversation_id\": 100007, \"content\": \"Su factura está lista\"}");
        results.stubFor(post("/held").willReturn(aResponse().withStatus(200).withFixedDelay(60_000)));
        results.stubFor(post("/results").willReturn(aResponse().withStatus(200)));

        // when the app is killed once Yampi took the message, before the result is written and the offset committed
        NodeProcess first = NodeProcess.start("first", work.resolve("node"), posting("/held"));
        try {
            showLogIfNot(first, () -> await().atMost(Duration.ofSeconds(90)).until(() -> messagePosts().size() == 1));
            Thread.sleep(500);
        } finally {
            first.kill();
        }
        assertThat(broker.committedOffset(group, topic)).isEqualTo(-1);

        // then, started again, it reads the message again and does not post it: it goes to the errors as uncertain
        Path errors = work.resolve("node/out/yampi/message-errors");
        try (NodeProcess second = NodeProcess.start("second", work.resolve("node"), posting("/results"))) {
            showLogIfNot(second, () -> {
                await().atMost(Duration.ofSeconds(90)).until(() -> JsonFiles.in(errors) == 1);
                await().atMost(Duration.ofSeconds(20)).until(() -> broker.committedOffset(group, topic) == 1);
            });
        }
        assertThat(messagePosts()).hasSize(1);
        assertThat(resultsAt("/results")).isEmpty();
        try (var files = Files.list(errors)) {
            JsonNode error = JSON.readTree(files.findFirst().orElseThrow().toFile());
            assertThat(error.get("outcome").asText()).isEqualTo("uncertain");
            assertThat(error.get("conversation_id").asText()).isEqualTo("100007");
        }
    }

    private Map<String, String> posting(String resultsPath) {
        return node(Map.of("yampi.base-url", sandbox.baseUrl(), "yampi.api-token", settings.yampiUserToken(),
                "yampi.token-kind", "user", "yampi.account-ids", "1", "yampi.messages-from", fromTopic(),
                "yampi.messages-results-to", "http://127.0.0.1:" + results.port() + resultsPath));
    }

    @Test
    void aSyncTriggerFromATopicRunsTheFeedAndItsReportIsWrittenARefusedOneToo() throws Exception {
        // given a trigger naming no feed there is, then one naming the invoice batches
        broker.send(topic, "{\"feed\": \"nonsense\"}", "{\"feed\": \"yofacturo-invoice-batches\"}");

        try (RunningApp app = RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                .property("triggers.from", fromTopic()).start()) {
            // then both have a report: a refusal, and the run's (the three batches delivered)
            Path reports = work.resolve("out/sync-reports");
            await().atMost(Duration.ofSeconds(30)).until(() -> JsonFiles.in(reports) == 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.committedOffset(group, topic) == 2);
            assertThat(JsonFiles.in(work.resolve("out/yofacturo/invoice-batches"))).isEqualTo(3);
            String both;
            try (var files = Files.list(reports)) {
                both = files.sorted().map(f -> {
                    try {
                        return Files.readString(f);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).reduce("", String::concat);
            }
            assertThat(both).contains("\"error\"").contains("yofacturo-invoice-batches");
        }
    }

    /** Runs the check; if it fails, the node's log goes to the test's output first. */
    private static void showLogIfNot(NodeProcess node, Runnable check) {
        try {
            check.run();
        } catch (RuntimeException | AssertionError e) {
            System.out.println("---- log of node " + node.name() + "\n" + String.join("\n", node.logLines()));
            throw e;
        }
    }

    /** A node's settings: no schedule fires, and a consumer the broker gives up on within seconds once killed. */
    private Map<String, String> node(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("yofacturo.poll-cron", RunningApp.NEVER);
        all.put("yofacturo.session-cron", RunningApp.NEVER);
        all.put("yampi.poll-cron", RunningApp.NEVER);
        all.put("inbound.poll-delay", "200");
        all.put("camel.component.kafka.session-timeout-ms", "6000");
        all.put("camel.component.kafka.heartbeat-interval-ms", "1000");
        all.putAll(settings);
        return all;
    }
}
