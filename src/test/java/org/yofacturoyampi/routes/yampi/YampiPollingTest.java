package org.yofacturoyampi.routes.yampi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
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
import org.yofacturoyampi.routes.support.SchedulePolls;
import org.yofacturoyampi.routes.support.SharedAppContext;

/**
 * The Yampi feeds against the sandbox's Yampi (account 1 has 40 contacts, 60 conversations, 3 inboxes, 4 labels, 5
 * agents, 2 teams), on Camel's test kit ({@link CamelMainTest}): each nested class is one configuration of the real
 * app and of its sandbox (set before the context starts), and its tests share that one context. Those that share one
 * run their feeds on demand, each its own feed, and look only at that feed's requests and files, so that they cannot
 * see each other. The 7 default feeds polling every second are in {@link YampiDefaultResourcesTest}; delivery state
 * across a restart is in {@link YampiPollingAcrossStartsTest}.
 */
@CamelMainTest
class YampiPollingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The last activity of the newest generated conversation (100060). */
    private static final long BASE_TIME_OF_CONVERSATION_60 = 1_767_225_600L + 60 * 3600L + 600;

    /** The app polling account 1 of this sandbox every second with a user token. */
    private static RunningApp.Builder app(Path work, Sandbox sandbox, SandboxSettings settings) {
        return RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1");
    }

    /** The app of {@link #app} with no schedule: its feeds run on demand only ({@link #runOnce}). */
    private static RunningApp.Builder onDemand(Path work, Sandbox sandbox, SandboxSettings settings) {
        return app(work, sandbox, settings).property("yampi.poll-cron", RunningApp.NEVER);
    }

    /** Runs a feed once, on demand, and answers its report. */
    private static String runOnce(CamelContext context, String feed) {
        return context.createProducerTemplate().requestBodyAndHeader("direct:sync", null, "SyncFeed", feed, String.class);
    }

    /** Waits until one more poll of each of these schedule routes has completed after this call. */
    private static void awaitOneMorePollOf(CamelContext context, String... schedules) {
        List<NotifyBuilder> more = Stream.of(schedules).map(s -> SchedulePolls.completed(context, s, 1)).toList();
        for (int i = 0; i < schedules.length; i++) {
            assertThat(more.get(i).matches(20, TimeUnit.SECONDS)).as("one more poll of " + schedules[i]).isTrue();
        }
    }

    private static long files(Path work, String dir) throws Exception {
        return JsonFiles.in(work.resolve("out/yampi/1").resolve(dir));
    }

    private static List<RecordedRequest> requestsTo(Sandbox sandbox, String path) {
        return sandbox.yampi().recordedRequests().stream().filter(r -> r.path().equals(path)).toList();
    }

    private static Set<String> pages(List<RecordedRequest> requests) {
        return requests.stream().map(r -> queryParameters(r.query()).get("page")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, String> queryParameters(String query) {
        return Stream.of(query == null ? new String[0] : query.split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> p.length > 1 ? p[1] : ""));
    }

    private static List<String> shortPageWarnings(LogCapture log, String resource) {
        return log.linesAt(Level.WARN).stream().filter(l -> l.contains(resource + " of account 1") && l.contains("fewer than")).toList();
    }

    private static List<String> deliveredIds(MockEndpoint downstream) {
        return downstream.getReceivedExchanges().stream().map(e -> e.getMessage().getHeader("YampiRecordId", String.class)).toList();
    }

    @Nested
    class ConversationsAndContactsEverySecond extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppPollingConversationsAndContacts(MainConfigurationProperties main) {
            // given 60 conversations (25 a page: 25, 25, 10) and 40 contacts (meta.count 40, 15 a page: 15, 15, 10)
            app(work, sandbox, settings).property("yampi.resources", "conversations,contacts").configure(main);
        }

        @Test
        void everyPageOfConversationsAndContactsIsReadAndNothingMore() throws Exception {
            // when every record was delivered, and each feed polled once more after that
            await().atMost(Duration.ofSeconds(20)).until(() -> files(work, "conversations") == 60 && files(work, "contacts") == 40);
            awaitOneMorePollOf(context, "yampi-conversations", "yampi-contacts");

            // then pages 1..3 of each were asked for, conversations with status=all, and never a page 4
            List<RecordedRequest> conversations = requestsTo(sandbox, "/api/v1/accounts/1/conversations");
            List<RecordedRequest> contacts = requestsTo(sandbox, "/api/v1/accounts/1/contacts");
            assertThat(pages(conversations)).containsExactly("1", "2", "3");
            assertThat(pages(contacts)).containsExactly("1", "2", "3");
            assertThat(conversations).allSatisfy(r -> assertThat(queryParameters(r.query())).containsEntry("status", "all"));
        }
    }

    @Nested
    class RateLimitedFromTheFirstRequest extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppPollingARateLimitedYampi(MainConfigurationProperties main) {
            // given Yampi rate-limits the first two requests for a second
            sandbox.yampi().rateLimitNext(2, 1);
            app(work, sandbox, settings).property("yampi.resources", "conversations,contacts").configure(main);
        }

        @Test
        void a429IsWaitedOutAndTheFeedCompletes() {
            // when a poll runs, then every record still arrives
            await().atMost(Duration.ofSeconds(30)).until(() -> files(work, "conversations") == 60 && files(work, "contacts") == 40);
        }
    }

    @Nested
    class ABaseUrlEndingInApiV1 extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppWithTheBaseUrlAsTheDocsWriteIt(MainConfigurationProperties main) {
            app(work, sandbox, settings).property("yampi.base-url", sandbox.baseUrl() + "/api/v1/")
                    .property("yampi.resources", "account").configure(main);
        }

        @Test
        void aBaseUrlEndingInApiV1AsTheDocsWriteItIsAccepted() {
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(work.resolve("out/yampi/1/account.json")));
            assertThat(requestsTo(sandbox, "/api/v1/accounts/1")).isNotEmpty();
        }
    }

    @Nested
    class APlatformToken extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppWithAPlatformToken(MainConfigurationProperties main) {
            RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiPlatformToken(), "platform", "1")
                    .property("yampi.resources", "account,account_users").configure(main);
        }

        @Test
        void aPlatformTokenReadsTheAccountAndItsUsersOnThePlatformPaths() throws Exception {
            await().atMost(Duration.ofSeconds(20)).until(() -> files(work, "account_users") == 5
                    && Files.exists(work.resolve("out/yampi/1/account.json")));
            assertThat(work.resolve("out/yampi/1/account_users/1001.json")).exists();
            assertThat(sandbox.yampi().recordedRequests()).allSatisfy(r -> assertThat(r.path()).startsWith("/platform/api/v1/"));
        }
    }

    @Nested
    class OnDemandAgainstAServerWithShorterPages extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppAgainstAServerServingTenConversationsAndTenContactsAPage(MainConfigurationProperties main) {
            // given a server that serves 10 conversations a page (upstream reads it from its environment), not 25, and
            // 10 contacts a page, the catalogue saying 15 (each test runs its own feed)
            sandbox.yampi().pageSizes(10, 10);
            onDemand(work, sandbox, settings).property("yampi.resources", "conversations,contacts").configure(main);
        }

        @Test
        void conversationsAreReadToTheirTotalWhateverTheServersPageSizeAndAShortPageIsWarnedOncePerWalk() throws Exception {
            try (LogCapture log = LogCapture.start()) {
                // when the feed runs once
                runOnce(context, "yampi-conversations");

                // then all 60 were delivered, pages 1 to 6 asked for and no page 7 (data.meta.all_count says 60), and one
                // warning said the page was shorter than expected
                assertThat(files(work, "conversations")).isEqualTo(60);
                assertThat(pages(requestsTo(sandbox, "/api/v1/accounts/1/conversations")))
                        .containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6");
                assertThat(shortPageWarnings(log, "conversations")).singleElement()
                        .satisfies(line -> assertThat(line).contains("10 records", "25 expected", "60", "yampi.catalogue.conversations.page-size"));

                // and when it runs again, it warns once more: once per walk
                runOnce(context, "yampi-conversations");
                assertThat(shortPageWarnings(log, "conversations")).hasSize(2);
            }
        }

        @Test
        void contactsAreReadToMetaCountWhenTheServerServesFewerAPageThanTheCatalogueSays() throws Exception {
            // when the feed runs once
            runOnce(context, "yampi-contacts");

            // then all 40 were delivered: pages 1 to 4, and no page 5 (meta.count says 40)
            assertThat(files(work, "contacts")).isEqualTo(40);
            assertThat(pages(requestsTo(sandbox, "/api/v1/accounts/1/contacts"))).containsExactlyInAnyOrder("1", "2", "3", "4");
        }
    }

    @Nested
    class OnDemand extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppRunningContactsAndCannedResponsesOnDemand(MainConfigurationProperties main) {
            // (each test runs its own feed; nothing runs until one does)
            onDemand(work, sandbox, settings).property("yampi.resources", "contacts,canned_responses").configure(main);
        }

        @Test
        void cannedResponsesAreServedAndPolledLikeTheOtherBareArrays() throws Exception {
            String report = runOnce(context, "yampi-canned_responses");
            assertThat(files(work, "canned_responses")).as(report).isEqualTo(3);
            assertThat(JSON.readTree(work.resolve("out/yampi/1/canned_responses/101.json").toFile()).get("short_code").asText())
                    .isEqualTo("reply1");
        }

        @Test
        void a429WithoutRetryAfterAsUpstreamSendsItBacksOffThroughTheGateAndIsNeitherABadPageNorADeadLetter() throws Exception {
            // given Yampi's throttle answers the next two requests 429 text/plain "Retry later", without Retry-After
            // (no feed runs meanwhile: they are this test's first two)
            sandbox.yampi().rateLimitNext(2, null);
            try (LogCapture log = LogCapture.start()) {

                // when the feed runs once
                String report = runOnce(context, "yampi-contacts");

                // then the gate backed off (1 s, then 2 s), every contact arrived, and nothing was a dead letter or an error
                assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("429") && l.contains("no Retry-After: backing off"))
                        .hasSize(2);
                assertThat(files(work, "contacts")).isEqualTo(40);
                assertThat(work.resolve("out/dead-letter")).doesNotExist();
                assertThat(JSON.readTree(report).path("errors").size()).as(report).isZero();
                assertThat(pages(requestsTo(sandbox, "/api/v1/accounts/1/contacts"))).containsExactlyInAnyOrder("1", "2", "3");
            }
        }
    }

    @Nested
    class AConversationMovingToTheTopDuringAWalk extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @EndpointInject("mock:yampi")
        MockEndpoint downstream;

        @Configure
        void theAppDeliveringConversationsOnDemandToAMock(MainConfigurationProperties main) {
            // given conversation 100005, on page 3 of the list (newest first), gets a message right after page 1 is read:
            // it moves to the top, a page the walk has passed, and every record after it shifts one place down
            sandbox.yampi().touchConversationAfterPage(1, 100005, 1);
            onDemand(work, sandbox, settings).property("yampi.resources", "conversations")
                    .property("yampi.to", "mock:yampi").configure(main);
        }

        @Test
        void aConversationThatBecomesTheMostRecentDuringAWalkIsDeliveredByTheNextPollAtTheLatest() throws Exception {
            // when the feed runs once: the walk misses it (and reads 100036 twice, delivering it once)
            runOnce(context, "yampi-conversations");
            assertThat(deliveredIds(downstream)).hasSize(59).doesNotHaveDuplicates().doesNotContain("100005");

            // then the next poll delivers it, as it now is, and nothing else
            runOnce(context, "yampi-conversations");
            assertThat(deliveredIds(downstream)).hasSize(60).endsWith("100005");
            JsonNode moved = JSON.readTree(downstream.getReceivedExchanges().get(59).getMessage().getBody(String.class));
            assertThat(moved.get("last_activity_at").asLong()).isGreaterThan(BASE_TIME_OF_CONVERSATION_60);
        }
    }
}
