package org.yofacturoyampi.routes.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;

/**
 * Messages dropped in data/in/yampi-messages, posted to the sandbox's Yampi, on Camel's test kit: each nested class is
 * one configuration of the real app ({@link CamelMainTest}: the token and its kind) with its own sandbox. The two
 * refusals of a user token share their context (each drops a file of its own name and reads the error file that
 * appeared after its drop); a token removed from its account is a sandbox of its own, as that cannot be undone.
 */
@CamelMainTest
class YampiMessagePostTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static void app(MainConfigurationProperties main, Path work, Sandbox sandbox, String token, String kind) {
        RunningApp.builder(work).yampi(sandbox.baseUrl(), token, kind, "1")
                .property("yampi.poll-cron", RunningApp.NEVER).configure(main);
    }

    private static Path inbound(Path work) {
        return work.resolve("in/yampi-messages");
    }

    private static Path errors(Path work) {
        return work.resolve("out/yampi/message-errors");
    }

    private static Map<?, ?> theError(Path work) throws IOException {
        try (var files = Files.list(errors(work))) {
            return JSON.readValue(files.findFirst().orElseThrow().toFile(), Map.class);
        }
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

    @Nested
    class WithABotToken extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppWithTheBotToken(MainConfigurationProperties main) {
            app(main, work, sandbox, settings.yampiBotToken(), "bot");
        }

        @Test
        void aDroppedMessageIsPostedToItsConversationWithTheApiAccessTokenHeader() throws Exception {
            InboundFiles.drop(inbound(work), "m.json",
                    "{\"account_id\": 1, \"conversation_id\": 100007, \"content\": \"Su factura está lista\", \"private\": true}");

            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(work.resolve("out/yampi/messages-sent")) == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbound(work).resolve(".done/m.json")));

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
        }
    }

    @Nested
    class WithAPlatformToken extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppWithAPlatformToken(MainConfigurationProperties main) {
            // given a platform app's token, which upstream does not let post messages
            app(main, work, sandbox, settings.yampiPlatformToken(), "platform");
        }

        @Test
        void aMessageForAPlatformTokenIsRefusedHereWithTheReasonAndNeverSent() throws Exception {
            InboundFiles.drop(inbound(work), "m.json", "{\"account_id\": 1, \"conversation_id\": 100007, \"content\": \"Hola\"}");

            // then it goes to the message errors, saying why, and Yampi was asked nothing
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors(work)) == 1);
            Map<?, ?> error = theError(work);
            assertThat(error.get("outcome")).isEqualTo("invalid");
            assertThat((String) error.get("error")).contains("platform token", "cannot post messages", "YAMPI_TOKEN_KIND");
            assertThat(error.get("conversation_id")).isEqualTo("100007");
            // (once the file is done with, nothing more can be posted for it)
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbound(work).resolve(".done/m.json")));
            assertThat(sandbox.yampi().recordedRequests()).noneMatch(r -> r.method().equals("POST"));
        }
    }

    @Nested
    class WithAUserToken extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppWithAUserToken(MainConfigurationProperties main) {
            app(main, work, sandbox, settings.yampiUserToken(), "user");
        }

        /** The one error file that appeared since {@code before}, once its message file is done with. */
        private Map<?, ?> newError(Set<Path> before, String name) throws Exception {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> errorFiles(work).stream().filter(f -> !before.contains(f)).count() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbound(work).resolve(".done/" + name)));
            List<Path> added = errorFiles(work).stream().filter(f -> !before.contains(f)).toList();
            assertThat(added).hasSize(1);
            return JSON.readValue(added.get(0).toFile(), Map.class);
        }

        @Test
        void aMessageToAConversationYampiDoesNotHaveIsRejectedWithYampis404() throws Exception {
            Set<Path> before = Set.copyOf(errorFiles(work));
            InboundFiles.drop(inbound(work), "m-999999.json",
                    "{\"account_id\": 1, \"conversation_id\": 999999, \"content\": \"Hola\"}");

            Map<?, ?> error = newError(before, "m-999999.json");
            assertThat(error.get("outcome")).isEqualTo("rejected");
            assertThat(error.get("status")).isEqualTo(404);
            assertThat(error.get("error")).isEqualTo("Resource could not be found");
            // (no test of this context gets a message posted)
            assertThat(sandbox.yampi().postedMessages()).isEmpty();
        }

        @Test
        void aRefusedMessageLandsInTheErrorsWithYampisAnswer() throws Exception {
            // given a message to an account the token does not reach
            Set<Path> before = Set.copyOf(errorFiles(work));
            InboundFiles.drop(inbound(work), "m-account-9.json", "{\"account_id\": 9, \"conversation_id\": 1, \"content\": \"Hola\"}");

            Map<?, ?> error = newError(before, "m-account-9.json");
            assertThat(error.get("status")).isEqualTo(404);
            assertThat(error.get("error")).isEqualTo("Resource could not be found");
            assertThat(error.get("account_id")).isEqualTo("9");
            assertThat(sandbox.yampi().postedMessages()).isEmpty();
        }
    }

    @Nested
    class WithAUserTokenRemovedFromItsAccount extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppWithAUserToken(MainConfigurationProperties main) {
            app(main, work, sandbox, settings.yampiUserToken(), "user");
        }

        @Test
        void aMessageToAnAccountTheTokenDoesNotBelongToIsRejectedWithoutBlamingTheToken() throws Exception {
            // given the token's user was removed from account 1 (upstream: 401 "You are not authorized to access this account")
            sandbox.yampi().removeFromAccount(1);

            try (LogCapture log = LogCapture.start()) {
                InboundFiles.drop(inbound(work), "m.json", "{\"account_id\": 1, \"conversation_id\": 100007, \"content\": \"Hola\"}");

                // then it is rejected with Yampi's reason, and the warning does not send anyone to change the token
                await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(errors(work)) == 1);
                Map<?, ?> error = theError(work);
                assertThat(error.get("outcome")).isEqualTo("rejected");
                assertThat(error.get("status")).isEqualTo(401);
                assertThat(error.get("error")).isEqualTo("You are not authorized to access this account");
                assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("Yampi refused a message")).singleElement()
                        .satisfies(line -> assertThat(line).contains("You are not authorized to access this account")
                                .doesNotContain("YAMPI_API_TOKEN"));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbound(work).resolve(".done/m.json")));
            assertThat(sandbox.yampi().postedMessages()).isEmpty();
        }
    }
}
