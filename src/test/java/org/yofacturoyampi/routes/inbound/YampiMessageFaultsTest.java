package org.yofacturoyampi.routes.inbound;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;

/**
 * Yampi has no idempotency key: a message POSTed twice reaches the customer twice. These say when a message is sent
 * again (only when it cannot have reached Yampi) and that it never loops forever.
 */
class YampiMessageFaultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESSAGES = "/api/v1/accounts/1/conversations/42/messages";
    private static final String MESSAGE = "{\"account_id\": 1, \"conversation_id\": 42, \"content\": \"Su factura está lista\"}";
    private static final String TOKEN = "yampi_test_FAKE_TOKEN";

    @TempDir
    Path work;

    private final WireMockServer yampi = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    @BeforeEach
    void startStub() {
        yampi.start();
    }

    @AfterEach
    void stopStub() {
        yampi.stop();
    }

    private RunningApp.Builder app(String baseUrl) {
        return RunningApp.builder(work).yampi(baseUrl, TOKEN, "user", "1").property("yampi.poll-cron", RunningApp.NEVER)
                .property("http.retry-delay", "50");
    }

    private Path inbound() {
        return work.resolve("in/yampi-messages");
    }

    private Path errors() {
        return work.resolve("out/yampi/message-errors");
    }

    private int posts() {
        return yampi.findAll(postRequestedFor(urlPathEqualTo(MESSAGES))).size();
    }

    private JsonNode theError() throws IOException {
        try (var files = Files.list(errors())) {
            return JSON.readTree(files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow().toFile());
        }
    }

    @Test
    void aReadTimeoutOnThePostIsNeitherRedeliveredNorPostedAtALaterPollButFiledAsUncertain() throws Exception {
        // given Yampi creates the message but answers only after the client stopped waiting
        yampi.stubFor(post(MESSAGES).willReturn(created().withFixedDelay(2000)));
        InboundFiles.drop(inbound(), "m.json", MESSAGE);

        try (RunningApp app = app(yampi.baseUrl()).property("camel.component.http.response-timeout", "300")
                .property("camel.component.http.so-timeout", "300").start()) {
            // when the post times out
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors()) == 1);
            // and several more polls of the folder go by (every 200 ms)
            app.awaitPolls(inbound(), 5);
        }

        // then Yampi got one POST, and the message is filed as uncertain, saying to check the conversation
        assertThat(posts()).isEqualTo(1);
        JsonNode error = theError();
        assertThat(error.get("outcome").asText()).isEqualTo("uncertain");
        assertThat(error.get("error").asText()).containsIgnoringCase("timed out").contains("conversation 42");
        assertThat(error.get("message").get("content").asText()).isEqualTo("Su factura está lista");
        assertThat(inbound().resolve(".done/m.json")).exists();
    }

    @Test
    void a5xxOnThePostIsNotSentAgainButFiledAsUncertain() throws Exception {
        // given Yampi answers the post 502 (a proxy: the message may have been created behind it)
        yampi.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(502)));
        InboundFiles.drop(inbound(), "m.json", MESSAGE);

        try (RunningApp app = app(yampi.baseUrl()).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors()) == 1);
            app.awaitPolls(inbound(), 4);
        }

        // then one POST only, filed as uncertain with the status
        assertThat(posts()).isEqualTo(1);
        assertThat(theError().get("outcome").asText()).isEqualTo("uncertain");
        assertThat(theError().get("status").asInt()).isEqualTo(502);
    }

    @Test
    void aMessageYampiKeepsRateLimitingEndsInTheErrorsAfterMaxAttemptsPolls() throws Exception {
        // given Yampi answers every post 429, and one request waits and tries once more before the poll gives up
        yampi.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")));
        Path dropped = InboundFiles.drop(inbound(), "m.json", MESSAGE);

        try (LogCapture log = LogCapture.start(); RunningApp app = app(yampi.baseUrl())
                .property("http.rate-limit-retries", "1").property("yampi.messages-max-attempts", "3").start()) {
            // when three polls failed to send it
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors()) == 1);
            app.awaitPolls(inbound(), 3);

            // then the first two left it in its folder with one line each, the third filed it as failed
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("m.json not sent")).hasSize(2);
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("moved to the message errors")).singleElement()
                    .satisfies(l -> assertThat(l).contains("not sent after 3 attempts").contains("HTTP 429"));
        }
        // and Yampi was asked twice per poll, three polls, then never again
        assertThat(posts()).isEqualTo(6);
        JsonNode error = theError();
        assertThat(error.get("outcome").asText()).isEqualTo("failed");
        assertThat(error.get("status").asInt()).isEqualTo(429);
        assertThat(dropped).doesNotExist();
        assertThat(inbound().resolve(".done/m.json")).exists();
    }

    @Test
    void aRefusedConnectionIsRedeliveredThenEndsInTheErrorsAfterMaxAttemptsPolls() throws Exception {
        // given nothing listens where Yampi should be
        String closed = "http://127.0.0.1:" + closedPort();
        InboundFiles.drop(inbound(), "m.json", MESSAGE);

        try (LogCapture log = LogCapture.start(); RunningApp app = app(closed).property("http.retries", "1")
                .property("yampi.messages-max-attempts", "2").start()) {
            // when the polls cannot connect
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors()) == 1);

            // then each poll's request was sent again once (nothing had reached Yampi), and the second poll filed it
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("On delivery attempt: 1")).hasSize(2);
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("m.json not sent")).hasSize(1);
        }
        JsonNode error = theError();
        assertThat(error.get("outcome").asText()).isEqualTo("failed");
        assertThat(error.get("error").asText()).contains("not sent after 2 attempts").contains("ConnectException");
    }

    @Test
    void aPostedMessageWhoseAnswerCannotBeWrittenIsNotPostedAgain() throws Exception {
        // given Yampi creates the message, but the results folder cannot be made (a plain file stands in its place)
        yampi.stubFor(post(MESSAGES).willReturn(created()));
        Path results = work.resolve("out/yampi/messages-sent");
        Files.createDirectories(results.getParent());
        Files.writeString(results, "not a folder");
        InboundFiles.drop(inbound(), "m.json", MESSAGE);

        try (LogCapture log = LogCapture.start(); RunningApp app = app(yampi.baseUrl()).start()) {
            // when the answer cannot be written
            await().atMost(Duration.ofSeconds(20)).until(() -> log.linesAt(Level.WARN).stream()
                    .anyMatch(l -> l.contains("was posted")));
            app.awaitPolls(inbound(), 4);

            // then one line names the Yampi message id, and the file is done with
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("was posted")).singleElement()
                    .satisfies(l -> assertThat(l).contains("message id 9001").contains("not posted again"));
        }
        assertThat(posts()).isEqualTo(1);
        assertThat(inbound().resolve(".done/m.json")).exists();
    }

    private static ResponseDefinitionBuilder created() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"id\": 9001, \"content\": \"Su factura está lista\", \"conversation_id\": 42}");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
