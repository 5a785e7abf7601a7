package org.yofacturoyampi.routes.yampi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.sandbox.YampiSimulator;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SchedulePolls;
import org.yofacturoyampi.routes.support.AppContextPerTest;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.trigger.FeedRuns;

/**
 * The messages of each conversation ('messages' in YAMPI_RESOURCES) against the sandbox's Yampi, on Camel's test kit:
 * each nested class is one configuration of the real app, and its tests share that one context. Account 1 has 60
 * conversations (100001..100060); conversations 100025 and 100050 hold 45 messages each, the others 0 to 4
 * ({@link YampiSimulator#generatedMessages}); message ids are the conversation id times 1000 plus 1, 2, ... "More polls
 * ran" is counted with a {@link NotifyBuilder} on the conversations feed's schedule route. The scenarios across a
 * restart, and the settings that stop start-up, are in {@link YampiConversationMessagesAcrossStartsTest}.
 */
@CamelMainTest
class YampiConversationMessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEDULE = "yampi-conversations";
    private static final String MESSAGES = "/api/v1/accounts/1/conversations/%d/messages";
    private static final int ALL_MESSAGES = IntStream.rangeClosed(1, 60).map(YampiSimulator::generatedMessages).sum();
    /** One per conversation, and two pages back for each of the two with 45 messages. */
    private static final int FIRST_SYNC_MESSAGE_REQUESTS = 60 + 2 * 2;

    private static RunningApp.Builder app(Path work, Sandbox sandbox, SandboxSettings settings) {
        return RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.resources", "conversations,messages");
    }

    /** Every message the sandbox made for account 1, as "messages/<message id>". */
    private static List<String> everyGeneratedMessage() {
        return IntStream.rangeClosed(1, 60).boxed().flatMap(c -> LongStream.rangeClosed(1, YampiSimulator.generatedMessages(c))
                .mapToObj(m -> "messages/" + ((100_000L + c) * 1000 + m))).toList();
    }

    private static List<RecordedRequest> messageRequests(Sandbox sandbox) {
        return sandbox.yampi().recordedRequests().stream().filter(r -> r.path().endsWith("/messages")).toList();
    }

    /** "<resource>/<record id>" of each exchange the mock received, in order. */
    private static List<String> received(MockEndpoint downstream) {
        return downstream.getReceivedExchanges().stream().map(YampiConversationMessagesTest::record).toList();
    }

    private static String record(Exchange e) {
        return e.getMessage().getHeader("YampiResource", String.class) + "/" + e.getMessage().getHeader("YampiRecordId", String.class);
    }

    private static List<String> messagesOf(List<String> records) {
        return records.stream().filter(a -> a.startsWith("messages/")).toList();
    }

    /**
     * Waits until {@code polls} polls of the conversations feed have completed after this call, the one under way
     * included if any (as before the kit, where two more polls were two more listings of the conversations). Only the
     * poll's own exchange counts: the copies that the walk's splits make of it complete too.
     */
    private static void awaitPolls(CamelContext context, int polls) {
        NotifyBuilder more = SchedulePolls.completed(context, SCHEDULE, polls);
        assertThat(more.matches(20, TimeUnit.SECONDS)).as(polls + " more polls completed").isTrue();
    }

    @Nested
    class ToTheDefaultFiles extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));
        @Configure
        void theAppWritingFiles(MainConfigurationProperties main) {
            app(work, sandbox, settings).configure(main);
        }

        @Test
        void theFirstSyncDeliversEveryMessageOfEveryConversationToItsDefaultPath() throws Exception {
            // when the conversations feed runs with messages, to the default file sink (the other test of this
            // context only reads the feed names)
            Path account = work.resolve("out/yampi/1");
            await().atMost(Duration.ofSeconds(40)).until(() -> JsonFiles.under(account.resolve("conversations")) == 60 + ALL_MESSAGES);
            // (and the poll that wrote the last of them is over)
            awaitPolls(context, 1);

            // then each message is <account>/conversations/<conversation id>/messages/<message id>.json, as the API sent
            // it, the oldest of a long conversation included (read back with before=)
            Path messages = account.resolve("conversations/100025/messages");
            assertThat(JsonFiles.in(messages)).isEqualTo(45);
            JsonNode oldest = JSON.readTree(messages.resolve("100025001.json").toFile());
            assertThat(oldest.get("content").asText()).isEqualTo("Message 1 of conversation 100025");
            assertThat(oldest.get("message_type").asInt()).isZero();
            assertThat(JsonFiles.in(account.resolve("conversations/100003/messages"))).isEqualTo(3);
            assertThat(account.resolve("conversations/100005/messages")).doesNotExist();

            // and the long conversation took the latest page and two pages back, each stopping at a shorter page
            assertThat(messageRequests(sandbox).stream().filter(r -> r.path().equals(MESSAGES.formatted(100025)))
                    .map(RecordedRequest::query)).containsExactly("", "before=100025026", "before=100025006");
        }

        @Test
        void messagesAreNotAFeedOfTheirOwnButPartOfTheConversationsFeed() {
            assertThat(context.getRegistry().lookupByNameAndType("feedRuns", FeedRuns.class).feedNames())
                    .containsExactly("yampi-conversations");
        }
    }

    @Nested
    class ToADownstream extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));
        /** Keeps every exchange it receives, from the first poll on. */
        @EndpointInject("mock:yampi")
        MockEndpoint downstream;

        @Configure
        void theAppDeliveringToAMockEndpoint(MainConfigurationProperties main) {
            app(work, sandbox, settings).property("yampi.to", "mock:yampi").configure(main);
        }

        private List<String> acceptedMessages() {
            return messagesOf(received(downstream));
        }

        /**
         * Waits until the first sync is over (every message delivered, every conversation asked, long ones thrice),
         * and checks it delivered each message once: the other test of this context adds one message, before or after.
         */
        private void awaitFirstSync() {
            await().atMost(Duration.ofSeconds(40)).until(() -> acceptedMessages().size() >= ALL_MESSAGES
                    && messageRequests(sandbox).size() >= FIRST_SYNC_MESSAGE_REQUESTS);
            assertThat(acceptedMessages().subList(0, ALL_MESSAGES)).containsExactlyInAnyOrderElementsOf(everyGeneratedMessage());
            assertThat(messageRequests(sandbox).subList(0, FIRST_SYNC_MESSAGE_REQUESTS))
                    .filteredOn(r -> r.query().startsWith("after=")).isEmpty();
        }

        @Test
        void eachMessageIsDeliveredOnceAndAnUnchangedResyncAsksForNoMessage() {
            // given a first sync that delivered every message
            awaitFirstSync();
            int messageRequests = messageRequests(sandbox).size();
            int delivered = acceptedMessages().size();

            // when the feed runs twice more over unchanged conversations
            awaitPolls(context, 2);

            // then no message was asked for, and none delivered again
            assertThat(messageRequests(sandbox)).hasSize(messageRequests);
            assertThat(acceptedMessages()).hasSize(delivered).doesNotHaveDuplicates();
        }

        @Test
        void aNewMessageInOneConversationIsAskedForInThatConversationOnlyAndDeliveredAlone() {
            awaitFirstSync();
            int before = messageRequests(sandbox).size();
            int delivered = acceptedMessages().size();

            // when a customer writes in conversation 100003
            long id = sandbox.yampi().addMessage(1, 100003, "¿Dónde está mi pedido?");
            await().atMost(Duration.ofSeconds(20)).until(() -> acceptedMessages().size() == delivered + 1);
            awaitPolls(context, 2);

            // then the next poll asked that conversation for what came after its last message, and nothing else
            List<RecordedRequest> since = messageRequests(sandbox).subList(before, messageRequests(sandbox).size());
            assertThat(since).singleElement().satisfies(r -> {
                assertThat(r.path()).isEqualTo(MESSAGES.formatted(100003));
                assertThat(r.query()).isEqualTo("after=100003003");
            });
            // and only the new message went downstream (with its conversation, which changed)
            assertThat(acceptedMessages()).hasSize(delivered + 1).endsWith("messages/" + id).doesNotHaveDuplicates();
            List<String> accepted = received(downstream);
            assertThat(accepted.get(accepted.size() - 2)).isEqualTo("conversations/100003");
        }
    }

    @Nested
    class ToADownstreamThatRefusesOneMessage extends AppContextPerTest {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));
        /** What the downstream accepted, as "<resource>/<record id>". */
        private final List<String> accepted = new CopyOnWriteArrayList<>();
        private final AtomicBoolean refuseMessage100003002 = new AtomicBoolean(true);
        private LogCapture log;

        @EndpointInject("mock:yampi")
        MockEndpoint downstream;

        @Configure
        void theAppDeliveringToADownstreamThatRefusesMessage100003002(MainConfigurationProperties main) {
            // the log from before the context starts
            log = upstream(LogCapture.start());
            app(work, sandbox, settings).property("yampi.to", "mock:yampi").configure(main);
        }

        @BeforeEach
        void refuseMessage100003002WhileToldTo() {
            // (the context started just now: its first poll comes at the next whole second)
            downstream.whenAnyExchangeReceived(e -> {
                String id = e.getMessage().getHeader("YampiRecordId", String.class);
                if (refuseMessage100003002.get() && "100003002".equals(id)) {
                    throw new IllegalStateException("the downstream refuses this message");
                }
                accepted.add(record(e));
            });
        }

        private List<String> acceptedMessages() {
            return messagesOf(accepted);
        }

        @Test
        void aMessageTheDownstreamRefusesStaysPendingAndTheCursorDoesNotPassIt() {
            // given a downstream that refuses message 100003002 (conversation 100003 holds 100003001..100003003)
            await().atMost(Duration.ofSeconds(40)).until(() -> acceptedMessages().size() == ALL_MESSAGES - 2);

            // when the next polls run
            awaitPolls(context, 2);

            // then each says, in one WARN line, which message the downstream refused and that it stays pending
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("not delivered")).hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(l -> assertThat(l).contains("Yampi message messages/1/100003/100003002 not delivered to mock://yampi")
                            .contains("the downstream refuses this message").contains("stays pending"));

            // and the conversation is read again from the last message accepted, and the refused one is not skipped
            assertThat(acceptedMessages()).contains("messages/100003001")
                    .doesNotContain("messages/100003002", "messages/100003003");
            assertThat(messageRequests(sandbox)).filteredOn(r -> r.path().equals(MESSAGES.formatted(100003)))
                    .map(RecordedRequest::query).contains("after=100003001").doesNotContain("after=100003002", "after=100003003");

            // and when the downstream takes it again, the next poll delivers the two, once each
            refuseMessage100003002.set(false);
            await().atMost(Duration.ofSeconds(20)).until(() -> acceptedMessages().size() == ALL_MESSAGES);
            assertThat(acceptedMessages()).doesNotHaveDuplicates()
                    .containsSubsequence("messages/100003001", "messages/100003002", "messages/100003003");
        }
    }

    @Nested
    class WithOnePagePerConversationAndPoll extends AppContextPerTest {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));
        private LogCapture log;

        @EndpointInject("mock:yampi")
        MockEndpoint downstream;

        @Configure
        void theAppReadingOnePageOfMessagesPerConversationAndPollInPagesOfTwo(MainConfigurationProperties main) {
            // given at most 1 page per conversation and poll, and after= pages of 2
            log = upstream(LogCapture.start());
            app(work, sandbox, settings).property("yampi.to", "mock:yampi").property("yampi.messages-max-pages", "1")
                    .property("yampi.catalogue.messages.after-page-size", "2").configure(main);
        }

        @Test
        void theFirstReadStopsAtTheHorizonAndNewMessagesBeyondAPollsPagesArriveAtTheNextPoll() {
            // then the first read of the 45 messages of conversation 100025 took the latest 20 only
            await().atMost(Duration.ofSeconds(40)).until(() -> messageRequests(sandbox).size() == 60);
            awaitPolls(context, 2);
            assertThat(messagesOf(received(downstream))).filteredOn(a -> a.startsWith("messages/100025"))
                    .hasSize(20).startsWith("messages/100025026").endsWith("messages/100025045");
            assertThat(messageRequests(sandbox)).hasSize(60);

            // and when 3 messages arrive in conversation 100003, a full page of them is not the end: the conversation
            // stays pending (one WARN naming the setting) and the next poll reads on from the last one delivered
            int before = messageRequests(sandbox).size();
            List<Long> ids = List.of(sandbox.yampi().addMessage(1, 100003, "uno"),
                    sandbox.yampi().addMessage(1, 100003, "dos"), sandbox.yampi().addMessage(1, 100003, "tres"));
            await().atMost(Duration.ofSeconds(20)).until(() -> messageRequests(sandbox).size() >= before + 2);
            awaitPolls(context, 2);
            assertThat(messageRequests(sandbox).subList(before, messageRequests(sandbox).size())).map(RecordedRequest::query)
                    .containsExactly("after=100003003", "after=100003006");
            assertThat(messagesOf(received(downstream))).endsWith(ids.stream().map(id -> "messages/" + id).toArray(String[]::new))
                    .doesNotHaveDuplicates();
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("YAMPI_MESSAGES_MAX_PAGES")).singleElement()
                    .satisfies(l -> assertThat(l).contains("conversation 100003").contains("stays pending"));
        }
    }
}
