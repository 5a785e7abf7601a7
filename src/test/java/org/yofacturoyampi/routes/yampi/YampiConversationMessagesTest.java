package org.yofacturoyampi.routes.yampi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.sandbox.YampiSimulator;
import org.yofacturoyampi.routes.trigger.FeedRuns;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;

/**
 * The messages of each conversation ('messages' in YAMPI_RESOURCES) against the sandbox's Yampi: account 1 has 60
 * conversations (100001..100060); conversations 100025 and 100050 hold 45 messages each, the others 0 to 4
 * ({@link YampiSimulator#generatedMessages}); message ids are the conversation id times 1000 plus 1, 2, ...
 */
class YampiConversationMessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESSAGES = "/api/v1/accounts/1/conversations/%d/messages";
    private static final int ALL_MESSAGES = IntStream.rangeClosed(1, 60).map(YampiSimulator::generatedMessages).sum();
    /** One per conversation, and two pages back for each of the two with 45 messages. */
    private static final int FIRST_SYNC_MESSAGE_REQUESTS = 60 + 2 * 2;

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().build();
    private final Sandbox sandbox = Sandbox.start(settings);
    /** What the downstream accepted, as "<resource>/<record id>". */
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final AtomicBoolean refuseMessage100003002 = new AtomicBoolean();

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    private RunningApp.Builder app() {
        return RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.resources", "conversations,messages");
    }

    /** The app with a downstream that keeps what it accepts (and refuses message 100003002 while told to). */
    private RunningApp startWithDownstream() {
        RunningApp app = app().property("yampi.to", "mock:yampi").start();
        app.context().getEndpoint("mock:yampi", MockEndpoint.class).whenAnyExchangeReceived(e -> {
            String id = e.getMessage().getHeader("YampiRecordId", String.class);
            if (refuseMessage100003002.get() && "100003002".equals(id)) {
                throw new IllegalStateException("the downstream refuses this message");
            }
            accepted.add(e.getMessage().getHeader("YampiResource", String.class) + "/" + id);
        });
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
    void theFirstSyncDeliversEveryMessageOfEveryConversationToItsDefaultPath() throws Exception {
        // when the conversations feed runs with messages, to the default file sink
        Path account = work.resolve("out/yampi/1");
        try (RunningApp app = app().start()) {
            await().atMost(Duration.ofSeconds(40)).until(() -> JsonFiles.under(account.resolve("conversations")) == 60 + ALL_MESSAGES);
        }

        // then each message is <account>/conversations/<conversation id>/messages/<message id>.json, as the API sent it,
        // the oldest of a long conversation included (read back with before=)
        Path messages = account.resolve("conversations/100025/messages");
        assertThat(JsonFiles.in(messages)).isEqualTo(45);
        JsonNode oldest = JSON.readTree(messages.resolve("100025001.json").toFile());
        assertThat(oldest.get("content").asText()).isEqualTo("Message 1 of conversation 100025");
        assertThat(oldest.get("message_type").asInt()).isZero();
        assertThat(JsonFiles.in(account.resolve("conversations/100003/messages"))).isEqualTo(3);
        assertThat(account.resolve("conversations/100005/messages")).doesNotExist();

        // and the long conversation took the latest page and two pages back, each stopping at a shorter page
        assertThat(messageRequests().stream().filter(r -> r.path().equals(MESSAGES.formatted(100025))).map(RecordedRequest::query))
                .containsExactly("", "before=100025026", "before=100025006");
    }

    @Test
    void eachMessageIsDeliveredOnceAndAnUnchangedResyncAsksForNoMessage() throws Exception {
        try (RunningApp app = startWithDownstream()) {
            // given a first sync that delivered every message
            awaitFirstSync();
            int messageRequests = messageRequests().size();

            // when the feed runs twice more over unchanged conversations
            awaitTwoMorePolls();

            // then no message was asked for, and none delivered again
            assertThat(messageRequests()).hasSize(messageRequests);
            assertThat(acceptedMessages()).hasSize(ALL_MESSAGES).doesNotHaveDuplicates();
        }
    }

    @Test
    void aNewMessageInOneConversationIsAskedForInThatConversationOnlyAndDeliveredAlone() throws Exception {
        try (RunningApp app = startWithDownstream()) {
            awaitFirstSync();
            int before = messageRequests().size();

            // when a customer writes in conversation 100003
            long id = sandbox.yampi().addMessage(1, 100003, "¿Dónde está mi pedido?");
            await().atMost(Duration.ofSeconds(20)).until(() -> acceptedMessages().size() == ALL_MESSAGES + 1);
            awaitTwoMorePolls();

            // then the next poll asked that conversation for what came after its last message, and nothing else
            List<RecordedRequest> since = messageRequests().subList(before, messageRequests().size());
            assertThat(since).singleElement().satisfies(r -> {
                assertThat(r.path()).isEqualTo(MESSAGES.formatted(100003));
                assertThat(r.query()).isEqualTo("after=100003003");
            });
            // and only the new message went downstream (with its conversation, which changed)
            assertThat(acceptedMessages()).endsWith("messages/" + id).doesNotHaveDuplicates();
            assertThat(accepted.get(accepted.size() - 2)).isEqualTo("conversations/100003");
        }
    }

    @Test
    void aMessageTheDownstreamRefusesStaysPendingAndTheCursorDoesNotPassIt() throws Exception {
        // given a downstream that refuses message 100003002 (conversation 100003 holds 100003001..100003003)
        refuseMessage100003002.set(true);
        try (LogCapture log = LogCapture.start(); RunningApp app = startWithDownstream()) {
            await().atMost(Duration.ofSeconds(40)).until(() -> acceptedMessages().size() == ALL_MESSAGES - 2);

            // when the next polls run
            awaitTwoMorePolls();

            // then each says, in one WARN line, which message the downstream refused and that it stays pending
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("not delivered")).hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(l -> assertThat(l).contains("Yampi message messages/1/100003/100003002 not delivered to mock://yampi")
                            .contains("the downstream refuses this message").contains("stays pending"));

            // and the conversation is read again from the last message accepted, and the refused one is not skipped
            assertThat(acceptedMessages()).contains("messages/100003001")
                    .doesNotContain("messages/100003002", "messages/100003003");
            assertThat(messageRequests()).filteredOn(r -> r.path().equals(MESSAGES.formatted(100003)))
                    .map(RecordedRequest::query).contains("after=100003001").doesNotContain("after=100003002", "after=100003003");

            // and when the downstream takes it again, the next poll delivers the two, once each
            refuseMessage100003002.set(false);
            await().atMost(Duration.ofSeconds(20)).until(() -> acceptedMessages().size() == ALL_MESSAGES);
            assertThat(acceptedMessages()).doesNotHaveDuplicates()
                    .containsSubsequence("messages/100003001", "messages/100003002", "messages/100003003");
        }
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
    void theFirstReadStopsAtTheHorizonAndNewMessagesBeyondAPollsPagesArriveAtTheNextPoll() {
        // given at most 1 page per conversation and poll, and after= pages of 2
        try (LogCapture log = LogCapture.start();
             RunningApp app = app().property("yampi.to", "mock:yampi").property("yampi.messages-max-pages", "1")
                     .property("yampi.catalogue.messages.after-page-size", "2").start()) {
            app.context().getEndpoint("mock:yampi", MockEndpoint.class).whenAnyExchangeReceived(e -> accepted.add(
                    e.getMessage().getHeader("YampiResource", String.class) + "/"
                            + e.getMessage().getHeader("YampiRecordId", String.class)));

            // then the first read of the 45 messages of conversation 100025 took the latest 20 only
            await().atMost(Duration.ofSeconds(40)).until(() -> messageRequests().size() == 60);
            awaitTwoMorePolls();
            assertThat(acceptedMessages()).filteredOn(a -> a.startsWith("messages/100025"))
                    .hasSize(20).startsWith("messages/100025026").endsWith("messages/100025045");
            assertThat(messageRequests()).hasSize(60);

            // and when 3 messages arrive in conversation 100003, a full page of them is not the end: the conversation
            // stays pending (one WARN naming the setting) and the next poll reads on from the last one delivered
            int before = messageRequests().size();
            List<Long> ids = List.of(sandbox.yampi().addMessage(1, 100003, "uno"),
                    sandbox.yampi().addMessage(1, 100003, "dos"), sandbox.yampi().addMessage(1, 100003, "tres"));
            await().atMost(Duration.ofSeconds(20)).until(() -> messageRequests().size() >= before + 2);
            awaitTwoMorePolls();
            assertThat(messageRequests().subList(before, messageRequests().size())).map(RecordedRequest::query)
                    .containsExactly("after=100003003", "after=100003006");
            assertThat(acceptedMessages()).endsWith(ids.stream().map(id -> "messages/" + id).toArray(String[]::new))
                    .doesNotHaveDuplicates();
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("YAMPI_MESSAGES_MAX_PAGES")).singleElement()
                    .satisfies(l -> assertThat(l).contains("conversation 100003").contains("stays pending"));
        }
    }

    @Test
    void messagesAreNotAFeedOfTheirOwnButPartOfTheConversationsFeed() {
        try (RunningApp app = app().start()) {
            assertThat(app.bean("feedRuns", FeedRuns.class).feedNames()).containsExactly("yampi-conversations");
        }
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
