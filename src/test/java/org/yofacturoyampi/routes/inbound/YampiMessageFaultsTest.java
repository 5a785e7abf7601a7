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
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.InboundPolls;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;

/**
 * Yampi has no idempotency key: a message POSTed twice reaches the customer twice. These say when a message is sent
 * again (only when it cannot have reached Yampi) and that it never loops forever. On Camel's test kit: each nested
 * class is one configuration of the real app ({@link CamelMainTest}) with its own WireMock Yampi; the two tests of the
 * plain configuration share its context, with the stubs and requests reset before each and their own file names.
 */
@CamelMainTest
class YampiMessageFaultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESSAGES = "/api/v1/accounts/1/conversations/42/messages";
    private static final String MESSAGE = "{\"account_id\": 1, \"conversation_id\": 42, \"content\": \"Su factura está lista\"}";
    private static final String TOKEN = "yampi_test_FAKE_TOKEN";

    private static RunningApp.Builder app(Path work, String baseUrl) {
        return RunningApp.builder(work).yampi(baseUrl, TOKEN, "user", "1").property("yampi.poll-cron", RunningApp.NEVER)
                .property("http.retry-delay", "50");
    }

    private static WireMockServer startedYampi() {
        WireMockServer yampi = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        yampi.start();
        return yampi;
    }

    private static Path inbound(Path work) {
        return work.resolve("in/yampi-messages");
    }

    private static Path errors(Path work) {
        return work.resolve("out/yampi/message-errors");
    }

    private static int posts(WireMockServer yampi) {
        return yampi.findAll(postRequestedFor(urlPathEqualTo(MESSAGES))).size();
    }

    /** The finished error files; none if the folder is not there yet. */
    private static List<Path> errorFiles(Path work) throws IOException {
        if (!Files.isDirectory(errors(work))) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(errors(work))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")
                    && !f.getFileName().toString().startsWith(".inprogress-")).toList();
        }
    }

    private static JsonNode theError(Path work) throws IOException {
        try (var files = Files.list(errors(work))) {
            return JSON.readTree(files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow().toFile());
        }
    }

    @Nested
    class WithAShortReadTimeout extends SharedAppContext {

        private final WireMockServer yampi = upstream(startedYampi());

        @Configure
        void theAppWaiting300MsForAnAnswer(MainConfigurationProperties main) {
            app(work, yampi.baseUrl()).property("camel.component.http.response-timeout", "300")
                    .property("camel.component.http.so-timeout", "300").configure(main);
        }

        @Test
        void aReadTimeoutOnThePostIsNeitherRedeliveredNorPostedAtALaterPollButFiledAsUncertain() throws Exception {
            // given Yampi creates the message but answers only after the client stopped waiting
            yampi.stubFor(post(MESSAGES).willReturn(created().withFixedDelay(2000)));
            InboundFiles.drop(inbound(work), "m.json", MESSAGE);

            // when the post times out
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors(work)) == 1);
            // and several more polls of the folder go by (every 200 ms)
            InboundPolls.await(context, inbound(work), 5);

            // then Yampi got one POST, and the message is filed as uncertain, saying to check the conversation
            assertThat(posts(yampi)).isEqualTo(1);
            JsonNode error = theError(work);
            assertThat(error.get("outcome").asText()).isEqualTo("uncertain");
            assertThat(error.get("error").asText()).containsIgnoringCase("timed out").contains("conversation 42");
            assertThat(error.get("message").get("content").asText()).isEqualTo("Su factura está lista");
            assertThat(inbound(work).resolve(".done/m.json")).exists();
        }
    }

    @Nested
    class ByDefault extends SharedAppContext {

        private final WireMockServer yampi = upstream(startedYampi());

        @Configure
        void theApp(MainConfigurationProperties main) {
            app(work, yampi.baseUrl()).configure(main);
        }

        @BeforeEach
        void noStubsNorRequestsOfAnotherTest() {
            yampi.resetAll();
        }

        @Test
        void a5xxOnThePostIsNotSentAgainButFiledAsUncertain() throws Exception {
            // given Yampi answers the post 502 (a proxy: the message may have been created behind it)
            yampi.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(502)));
            Set<Path> errorsBefore = Set.copyOf(errorFiles(work));
            InboundFiles.drop(inbound(work), "m-502.json", MESSAGE);

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> errorFiles(work).stream().filter(f -> !errorsBefore.contains(f)).count() == 1);
            InboundPolls.await(context, inbound(work), 4);

            // then one POST only, filed as uncertain with the status
            assertThat(posts(yampi)).isEqualTo(1);
            List<Path> added = errorFiles(work).stream().filter(f -> !errorsBefore.contains(f)).toList();
            assertThat(added).hasSize(1);
            JsonNode error = JSON.readTree(added.get(0).toFile());
            assertThat(error.get("outcome").asText()).isEqualTo("uncertain");
            assertThat(error.get("status").asInt()).isEqualTo(502);
        }

        @Test
        void aPostedMessageWhoseAnswerCannotBeWrittenIsNotPostedAgain() throws Exception {
            // given Yampi creates the message, but the results folder cannot be made (a plain file stands in its place)
            yampi.stubFor(post(MESSAGES).willReturn(created()));
            Path results = work.resolve("out/yampi/messages-sent");
            Files.createDirectories(results.getParent());
            Files.writeString(results, "not a folder");

            try (LogCapture log = LogCapture.start()) {
                InboundFiles.drop(inbound(work), "m-unwritable.json", MESSAGE);

                // when the answer cannot be written
                await().atMost(Duration.ofSeconds(20)).until(() -> log.linesAt(Level.WARN).stream()
                        .anyMatch(l -> l.contains("was posted")));
                InboundPolls.await(context, inbound(work), 4);

                // then one line names the Yampi message id, and the file is done with
                assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("was posted")).singleElement()
                        .satisfies(l -> assertThat(l).contains("message id 9001").contains("not posted again"));
            }
            assertThat(posts(yampi)).isEqualTo(1);
            assertThat(inbound(work).resolve(".done/m-unwritable.json")).exists();
        }
    }

    @Nested
    class WaitingOnceOnARateLimit extends SharedAppContext {

        private final WireMockServer yampi = upstream(startedYampi());

        @Configure
        void theAppWaitingOnceOnA429AndGivingUpAfterThreePolls(MainConfigurationProperties main) {
            app(work, yampi.baseUrl()).property("http.rate-limit-retries", "1")
                    .property("yampi.messages-max-attempts", "3").configure(main);
        }

        @Test
        void aMessageYampiKeepsRateLimitingEndsInTheErrorsAfterMaxAttemptsPolls() throws Exception {
            // given Yampi answers every post 429, and one request waits and tries once more before the poll gives up
            yampi.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")));

            try (LogCapture log = LogCapture.start()) {
                Path dropped = InboundFiles.drop(inbound(work), "m.json", MESSAGE);

                // when three polls failed to send it
                await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors(work)) == 1);
                InboundPolls.await(context, inbound(work), 3);

                // then the first two left it in its folder with one line each, the third filed it as failed
                assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("m.json not sent")).hasSize(2);
                assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("moved to the message errors"))
                        .singleElement()
                        .satisfies(l -> assertThat(l).contains("not sent after 3 attempts").contains("HTTP 429"));
                assertThat(dropped).doesNotExist();
            }
            // and Yampi was asked twice per poll, three polls, then never again
            assertThat(posts(yampi)).isEqualTo(6);
            JsonNode error = theError(work);
            assertThat(error.get("outcome").asText()).isEqualTo("failed");
            assertThat(error.get("status").asInt()).isEqualTo(429);
            assertThat(inbound(work).resolve(".done/m.json")).exists();
        }
    }

    @Nested
    class WithNothingListening extends SharedAppContext {

        @Configure
        void theAppSendingToAClosedPortRetryingOnceAndGivingUpAfterTwoPolls(MainConfigurationProperties main)
                throws IOException {
            // given nothing listens where Yampi should be
            app(work, "http://127.0.0.1:" + closedPort()).property("http.retries", "1")
                    .property("yampi.messages-max-attempts", "2").configure(main);
        }

        @Test
        void aRefusedConnectionIsRedeliveredThenEndsInTheErrorsAfterMaxAttemptsPolls() throws Exception {
            try (LogCapture log = LogCapture.start()) {
                InboundFiles.drop(inbound(work), "m.json", MESSAGE);

                // when the polls cannot connect
                await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors(work)) == 1);

                // then each poll's request was sent again once (nothing had reached Yampi), and the second poll filed it
                assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("On delivery attempt: 1")).hasSize(2);
                assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("m.json not sent")).hasSize(1);
            }
            JsonNode error = theError(work);
            assertThat(error.get("outcome").asText()).isEqualTo("failed");
            assertThat(error.get("error").asText()).contains("not sent after 2 attempts").contains("ConnectException");
        }
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
