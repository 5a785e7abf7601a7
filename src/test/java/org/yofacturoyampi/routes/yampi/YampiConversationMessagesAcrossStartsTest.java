package org.yofacturoyampi.routes.yampi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.sandbox.YampiSimulator;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;

/**
 * The messages of each conversation across starts of the app: a restart on the same state, a restart that turns
 * messages on, and settings that stop start-up. Each needs a stop and a start of its own, so each starts the app
 * itself ({@link RunningApp}); the scenarios of one running app are in {@link YampiConversationMessagesTest}. Account 1
 * of the sandbox has 60 conversations (100001..100060); conversations 100025 and 100050 hold 45 messages each, the
 * others 0 to 4 ({@link YampiSimulator#generatedMessages}); message ids are the conversation id times 1000 plus 1, 2, ...
 */
class YampiConversationMessagesAcrossStartsTest {

    private static final int ALL_MESSAGES = IntStream.rangeClosed(1, 60).map(YampiSimulator::generatedMessages).sum();
    /** One per conversation, and two pages back for each of the two with 45 messages. */
    private static final int FIRST_SYNC_MESSAGE_REQUESTS = 60 + 2 * 2;

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().build();
    private final Sandbox sandbox = Sandbox.start(settings);
    /** What the downstream accepted, as "<resource>/<record id>". */
    private final List<String> accepted = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    private RunningApp.Builder app() {
        return RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.resources", "conversations,messages");
    }

    /** The app with a downstream that keeps what it accepts. */
    private RunningApp startWithDownstream() {
        RunningApp app = app().property("yampi.to", "mock:yampi").start();
        app.context().getEndpoint("mock:yampi", MockEndpoint.class).whenAnyExchangeReceived(e -> accepted.add(
                e.getMessage().getHeader("YampiResource", String.class) + "/"
                        + e.getMessage().getHeader("YampiRecordId", String.class)));
        return app;
    }

    private List<String> acceptedMessages() {
        return accepted.stream().filter(a -> a.startsWith("messages/")).toList();
    }

    private List<RecordedRequest> messageRequests() {
        return sandbox.yampi().recordedRequests().stream().filter(r -> r.path().endsWith("/messages")).toList();
    }

    private List<RecordedRequest> conversationListRequests() {
        return sandbox.yampi().recordedRequests().stream()
                .filter(r -> r.path().equals("/api/v1/accounts/1/conversations")).toList();
    }

    /** Waits until the first sync is over: every message delivered, every conversation asked (long ones thrice). */
    private void awaitFirstSync() {
        await().atMost(Duration.ofSeconds(40)).until(() -> acceptedMessages().size() == ALL_MESSAGES
                && messageRequests().size() == FIRST_SYNC_MESSAGE_REQUESTS);
    }

    /** Waits until the conversations feed has run twice more (each run lists 3 pages). */
    private void awaitTwoMorePolls() {
        int listed = conversationListRequests().size();
        await().atMost(Duration.ofSeconds(20)).until(() -> conversationListRequests().size() >= listed + 2 * 3);
    }

    @Test
    void aRestartOnTheSameStateDeliversNoMessageAgain() throws Exception {
        // given a first run that delivered every message to the files
        try (RunningApp app = app().start()) {
            await().atMost(Duration.ofSeconds(40)).until(() -> JsonFiles.under(work.resolve("out/yampi/1/conversations")) == 60 + ALL_MESSAGES
                    && messageRequests().size() == FIRST_SYNC_MESSAGE_REQUESTS);
        }
        int before = messageRequests().size();

        // when the app restarts on the same state and a customer writes in conversation 100050
        long id = sandbox.yampi().addMessage(1, 100050, "hola de nuevo");
        try (RunningApp app = startWithDownstream()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> acceptedMessages().size() == 1);
            awaitTwoMorePolls();
        }

        // then only that message was delivered, asked for after the last one the first run delivered
        assertThat(acceptedMessages()).containsExactly("messages/" + id);
        assertThat(messageRequests().subList(before, messageRequests().size())).singleElement()
                .satisfies(r -> assertThat(r.query()).isEqualTo("after=100050045"));
    }

    @Test
    void turningMessagesOnReadsTheMessagesOfConversationsDeliveredBeforeOnceWithoutDeliveringThemAgain() {
        // given a first run that delivered the conversations without their messages
        try (RunningApp app = RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.resources", "conversations").property("yampi.to", "mock:yampi").start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> app.context().getEndpoint("mock:yampi", MockEndpoint.class)
                    .getReceivedCounter() == 60);
        }
        assertThat(messageRequests()).isEmpty();

        // when the app restarts with messages on
        try (RunningApp app = startWithDownstream()) {
            awaitFirstSync();
            awaitTwoMorePolls();
        }

        // then every message was delivered once, the unchanged conversations were not delivered again, and the next
        // polls asked for no message
        assertThat(acceptedMessages()).hasSize(ALL_MESSAGES).doesNotHaveDuplicates();
        assertThat(accepted).noneMatch(a -> a.startsWith("conversations/"));
        assertThat(messageRequests()).hasSize(FIRST_SYNC_MESSAGE_REQUESTS);
    }

    @Test
    void messagesWithoutConversationsStopStartUpSayingWhatToAdd() {
        Throwable thrown = catchThrowable(() -> RunningApp.builder(work)
                .yampi("http://127.0.0.1:9", "yampi_test_fake_token", "user", "1")
                .property("yampi.resources", "contacts,messages").start().close());

        assertThat(configurationError(thrown)).contains("YAMPI_RESOURCES", "messages", "add conversations");
    }

    @Test
    void aMaxPagesThatIsNotAWholeNumberStopsStartUpNamingIt() {
        Throwable thrown = catchThrowable(() -> RunningApp.builder(work)
                .yampi("http://127.0.0.1:9", "yampi_test_fake_token", "user", "1")
                .property("yampi.messages-max-pages", "all").start().close());

        assertThat(configurationError(thrown)).contains("YAMPI_MESSAGES_MAX_PAGES", "'all'", "whole number");
    }

    private static String configurationError(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationException) {
                return t.getMessage();
            }
        }
        throw new AssertionError("not a configuration error", thrown);
    }
}
