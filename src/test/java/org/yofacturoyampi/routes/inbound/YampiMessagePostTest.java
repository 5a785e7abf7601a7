package org.yofacturoyampi.routes.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;

class YampiMessagePostTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().build();
    private final Sandbox sandbox = Sandbox.start(settings);

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    private RunningApp start(String token, String kind) {
        return RunningApp.builder(work).yampi(sandbox.baseUrl(), token, kind, "1")
                .property("yampi.poll-cron", RunningApp.NEVER).start();
    }

    @Test
    void aDroppedMessageIsPostedToItsConversationWithTheApiAccessTokenHeader() throws Exception {
        InboundFiles.drop(work.resolve("in/yampi-messages"), "m.json",
                "{\"account_id\": 1, \"conversation_id\": 100007, \"content\": \"Su factura está lista\", \"private\": true}");

        try (RunningApp app = start(settings.yampiBotToken(), "bot")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(work.resolve("out/yampi/messages-sent")) == 1);
        }

        // then Yampi got the message in that conversation, from the bot token, with the documented body
        assertThat(sandbox.yampi().postedMessages()).singleElement().satisfies(m -> {
            assertThat(m).containsEntry("content", "Su factura está lista").containsEntry("private", true)
                    .containsEntry("conversation_id", 100007L).containsEntry("account_id", 1L);
        });
        RecordedRequest post = sandbox.yampi().recordedRequests().stream().filter(r -> r.method().equals("POST"))
                .findFirst().orElseThrow();
        assertThat(post.path()).isEqualTo("/api/v1/accounts/1/conversations/100007/messages");
        assertThat(post.header("api_access_token")).isEqualTo(settings.yampiBotToken());
        assertThat(post.header("Authorization")).isNull();
        assertThat(work.resolve("in/yampi-messages/.done/m.json")).exists();
    }

    @Test
    void aMessageForAPlatformTokenIsRefusedHereWithTheReasonAndNeverSent() throws Exception {
        // given a platform app's token, which upstream does not let post messages
        InboundFiles.drop(work.resolve("in/yampi-messages"), "m.json",
                "{\"account_id\": 1, \"conversation_id\": 100007, \"content\": \"Hola\"}");

        try (RunningApp app = start(settings.yampiPlatformToken(), "platform")) {
            // then it goes to the message errors, saying why, and Yampi was asked nothing
            Path errors = work.resolve("out/yampi/message-errors");
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors) == 1);
            try (var files = Files.list(errors)) {
                Map<?, ?> error = JSON.readValue(files.findFirst().orElseThrow().toFile(), Map.class);
                assertThat(error.get("outcome")).isEqualTo("invalid");
                assertThat((String) error.get("error")).contains("platform token", "cannot post messages", "YAMPI_TOKEN_KIND");
                assertThat(error.get("conversation_id")).isEqualTo("100007");
            }
        }
        assertThat(sandbox.yampi().recordedRequests()).noneMatch(r -> r.method().equals("POST"));
    }

    @Test
    void aMessageToAConversationYampiDoesNotHaveIsRejectedWithYampis404() throws Exception {
        InboundFiles.drop(work.resolve("in/yampi-messages"), "m.json",
                "{\"account_id\": 1, \"conversation_id\": 999999, \"content\": \"Hola\"}");

        try (RunningApp app = start(settings.yampiUserToken(), "user")) {
            Path errors = work.resolve("out/yampi/message-errors");
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors) == 1);
            try (var files = Files.list(errors)) {
                Map<?, ?> error = JSON.readValue(files.findFirst().orElseThrow().toFile(), Map.class);
                assertThat(error.get("outcome")).isEqualTo("rejected");
                assertThat(error.get("status")).isEqualTo(404);
                assertThat(error.get("error")).isEqualTo("Resource could not be found");
            }
        }
        assertThat(sandbox.yampi().postedMessages()).isEmpty();
    }

    @Test
    void aMessageToAnAccountTheTokenDoesNotBelongToIsRejectedWithoutBlamingTheToken() throws Exception {
        // given the token's user was removed from account 1 (upstream: 401 "You are not authorized to access this account")
        sandbox.yampi().removeFromAccount(1);
        InboundFiles.drop(work.resolve("in/yampi-messages"), "m.json",
                "{\"account_id\": 1, \"conversation_id\": 100007, \"content\": \"Hola\"}");

        try (LogCapture log = LogCapture.start(); RunningApp app = start(settings.yampiUserToken(), "user")) {
            // then it is rejected with Yampi's reason, and the warning does not send anyone to change the token
            Path errors = work.resolve("out/yampi/message-errors");
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors) == 1);
            try (var files = Files.list(errors)) {
                Map<?, ?> error = JSON.readValue(files.findFirst().orElseThrow().toFile(), Map.class);
                assertThat(error.get("outcome")).isEqualTo("rejected");
                assertThat(error.get("status")).isEqualTo(401);
                assertThat(error.get("error")).isEqualTo("You are not authorized to access this account");
            }
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("Yampi refused a message")).singleElement()
                    .satisfies(line -> assertThat(line).contains("You are not authorized to access this account")
                            .doesNotContain("YAMPI_API_TOKEN"));
        }
        assertThat(sandbox.yampi().postedMessages()).isEmpty();
    }

    @Test
    void aRefusedMessageLandsInTheErrorsWithYampisAnswer() throws Exception {
        // given a message to an account the token does not reach
        InboundFiles.drop(work.resolve("in/yampi-messages"), "m.json",
                "{\"account_id\": 9, \"conversation_id\": 1, \"content\": \"Hola\"}");

        try (RunningApp app = start(settings.yampiUserToken(), "user")) {
            Path errors = work.resolve("out/yampi/message-errors");
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors) == 1);
            try (var files = Files.list(errors)) {
                Map<?, ?> error = JSON.readValue(files.findFirst().orElseThrow().toFile(), Map.class);
                assertThat(error.get("status")).isEqualTo(404);
                assertThat(error.get("error")).isEqualTo("Resource could not be found");
                assertThat(error.get("account_id")).isEqualTo("9");
            }
        }
        assertThat(sandbox.yampi().postedMessages()).isEmpty();
    }
}
