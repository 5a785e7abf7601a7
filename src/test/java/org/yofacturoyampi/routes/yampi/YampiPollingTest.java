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
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.component.mock.MockEndpoint;
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

/**
 * The Yampi feeds against the sandbox's Yampi: account 1 has 40 contacts, 60 conversations, 3 inboxes, 4 labels, 5
 * agents, 2 teams. Each scenario here needs a configuration or a restart of its own; those of the 7 default feeds
 * polling every second share their contexts on Camel's test kit in {@link YampiDefaultResourcesTest}.
 */
class YampiPollingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().build();
    private final Sandbox sandbox = Sandbox.start(settings);

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    private RunningApp.Builder app() {
        return RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1");
    }

    private long files(String dir) throws Exception {
        return JsonFiles.in(work.resolve("out/yampi/1").resolve(dir));
    }

    private List<RecordedRequest> requestsTo(String path) {
        return sandbox.yampi().recordedRequests().stream().filter(r -> r.path().equals(path)).toList();
    }

    private static Set<String> pages(List<RecordedRequest> requests) {
        return requests.stream().map(r -> queryParameters(r.query()).get("page")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, String> queryParameters(String query) {
        return Stream.of(query == null ? new String[0] : query.split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> p.length > 1 ? p[1] : ""));
    }

    @Test
    void everyPageOfConversationsAndContactsIsReadAndNothingMore() throws Exception {
        // given 60 conversations (25 a page: 25, 25, 10) and 40 contacts (meta.count 40, 15 a page: 15, 15, 10)
        try (RunningApp app = app().property("yampi.resources", "conversations,contacts").start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> files("conversations") == 60 && files("contacts") == 40);
        }

        // then pages 1..3 of each were asked for, conversations with status=all, and never a page 4
        List<RecordedRequest> conversations = requestsTo("/api/v1/accounts/1/conversations");
        List<RecordedRequest> contacts = requestsTo("/api/v1/accounts/1/contacts");
        assertThat(pages(conversations)).containsExactly("1", "2", "3");
        assertThat(pages(contacts)).containsExactly("1", "2", "3");
        assertThat(conversations).allSatisfy(r -> assertThat(queryParameters(r.query())).containsEntry("status", "all"));
    }

    @Test
    void deliveryStateSurvivesARestart() throws Exception {
        // given a first run that delivered everything
        try (RunningApp app = app().start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> files("contacts") == 40 && files("conversations") == 60);
        }

        // when the app restarts on the same state folder and polls twice
        try (RunningApp app = app().property("yampi.to", "mock:yampi").start()) {
            MockEndpoint downstream = app.context().getEndpoint("mock:yampi", MockEndpoint.class);
            int requests = sandbox.yampi().requestCount();
            await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.yampi().requestCount() >= requests + 2 * 11);

            // then nothing that was delivered before is delivered again
            assertThat(downstream.getReceivedCounter()).isZero();
        }
    }

    @Test
    void aBaseUrlEndingInApiV1AsTheDocsWriteItIsAccepted() throws Exception {
        try (RunningApp app = app().property("yampi.base-url", sandbox.baseUrl() + "/api/v1/")
                .property("yampi.resources", "account").start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(work.resolve("out/yampi/1/account.json")));
        }
        assertThat(requestsTo("/api/v1/accounts/1")).isNotEmpty();
    }

    @Test
    void aPlatformTokenReadsTheAccountAndItsUsersOnThePlatformPaths() throws Exception {
        try (RunningApp app = RunningApp.builder(work)
                .yampi(sandbox.baseUrl(), settings.yampiPlatformToken(), "platform", "1")
                .property("yampi.resources", "account,account_users").start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> files("account_users") == 5
                    && Files.exists(work.resolve("out/yampi/1/account.json")));
        }
        assertThat(work.resolve("out/yampi/1/account_users/1001.json")).exists();
        assertThat(sandbox.yampi().recordedRequests()).allSatisfy(r -> assertThat(r.path()).startsWith("/platform/api/v1/"));
    }

    /** Runs a feed once, on demand, and answers its report. */
    private static String runOnce(RunningApp app, String feed) {
        return app.context().createProducerTemplate().requestBodyAndHeader("direct:sync", null, "SyncFeed", feed, String.class);
    }

    private static List<String> shortPageWarnings(LogCapture log, String resource) {
        return log.linesAt(Level.WARN).stream().filter(l -> l.contains(resource + " of account 1") && l.contains("fewer than")).toList();
    }

    @Test
    void conversationsAreReadToTheirTotalWhateverTheServersPageSizeAndAShortPageIsWarnedOncePerWalk() throws Exception {
        // given a server that serves 10 conversations a page (upstream reads it from its environment), not 25
        sandbox.yampi().pageSizes(10, 15);
        try (LogCapture log = LogCapture.start();
             RunningApp app = app().property("yampi.poll-cron", RunningApp.NEVER).property("yampi.resources", "conversations").start()) {

            // when the feed runs once
            runOnce(app, "yampi-conversations");

            // then all 60 were delivered, pages 1 to 6 asked for and no page 7 (data.meta.all_count says 60), and one
            // warning said the page was shorter than expected
            assertThat(files("conversations")).isEqualTo(60);
            assertThat(pages(requestsTo("/api/v1/accounts/1/conversations"))).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6");
            assertThat(shortPageWarnings(log, "conversations")).singleElement()
                    .satisfies(line -> assertThat(line).contains("10 records", "25 expected", "60", "yampi.catalogue.conversations.page-size"));

            // and when it runs again, it warns once more: once per walk
            runOnce(app, "yampi-conversations");
            assertThat(shortPageWarnings(log, "conversations")).hasSize(2);
        }
    }

    @Test
    void contactsAreReadToMetaCountWhenTheServerServesFewerAPageThanTheCatalogueSays() throws Exception {
        // given a server that serves 10 contacts a page, the catalogue saying 15
        sandbox.yampi().pageSizes(25, 10);
        try (RunningApp app = app().property("yampi.poll-cron", RunningApp.NEVER).property("yampi.resources", "contacts").start()) {

            // when the feed runs once
            runOnce(app, "yampi-contacts");

            // then all 40 were delivered: pages 1 to 4, and no page 5 (meta.count says 40)
            assertThat(files("contacts")).isEqualTo(40);
            assertThat(pages(requestsTo("/api/v1/accounts/1/contacts"))).containsExactlyInAnyOrder("1", "2", "3", "4");
        }
    }

    @Test
    void aConversationThatBecomesTheMostRecentDuringAWalkIsDeliveredByTheNextPollAtTheLatest() throws Exception {
        // given conversation 100005, on page 3 of the list (newest first), gets a message right after page 1 is read:
        // it moves to the top, a page the walk has passed, and every record after it shifts one place down
        sandbox.yampi().touchConversationAfterPage(1, 100005, 1);
        try (RunningApp app = app().property("yampi.poll-cron", RunningApp.NEVER).property("yampi.resources", "conversations")
                .property("yampi.to", "mock:yampi").start()) {
            MockEndpoint downstream = app.context().getEndpoint("mock:yampi", MockEndpoint.class);

            // when the feed runs once: the walk misses it (and reads 100036 twice, delivering it once)
            runOnce(app, "yampi-conversations");
            assertThat(deliveredIds(downstream)).hasSize(59).doesNotHaveDuplicates().doesNotContain("100005");

            // then the next poll delivers it, as it now is, and nothing else
            runOnce(app, "yampi-conversations");
            assertThat(deliveredIds(downstream)).hasSize(60).endsWith("100005");
            JsonNode moved = JSON.readTree(downstream.getReceivedExchanges().get(59).getMessage().getBody(String.class));
            assertThat(moved.get("last_activity_at").asLong()).isGreaterThan(BASE_TIME_OF_CONVERSATION_60);
        }
    }

    /** The last activity of the newest generated conversation (100060). */
    private static final long BASE_TIME_OF_CONVERSATION_60 = 1_767_225_600L + 60 * 3600L + 600;

    private static List<String> deliveredIds(MockEndpoint downstream) {
        return downstream.getReceivedExchanges().stream().map(e -> e.getMessage().getHeader("YampiRecordId", String.class)).toList();
    }

    @Test
    void cannedResponsesAreServedAndPolledLikeTheOtherBareArrays() throws Exception {
        try (RunningApp app = app().property("yampi.poll-cron", RunningApp.NEVER).property("yampi.resources", "canned_responses").start()) {
            String report = runOnce(app, "yampi-canned_responses");
            assertThat(files("canned_responses")).as(report).isEqualTo(3);
        }
        assertThat(JSON.readTree(work.resolve("out/yampi/1/canned_responses/101.json").toFile()).get("short_code").asText())
                .isEqualTo("reply1");
    }

    @Test
    void a429WithoutRetryAfterAsUpstreamSendsItBacksOffThroughTheGateAndIsNeitherABadPageNorADeadLetter() throws Exception {
        // given Yampi's throttle answers the next two requests 429 text/plain "Retry later", without Retry-After
        sandbox.yampi().rateLimitNext(2, null);
        try (LogCapture log = LogCapture.start();
             RunningApp app = app().property("yampi.poll-cron", RunningApp.NEVER).property("yampi.resources", "contacts").start()) {

            // when the feed runs once
            String report = runOnce(app, "yampi-contacts");

            // then the gate backed off (1 s, then 2 s), every contact arrived, and nothing was a dead letter or an error
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("429") && l.contains("no Retry-After: backing off"))
                    .hasSize(2);
            assertThat(files("contacts")).isEqualTo(40);
            assertThat(work.resolve("out/dead-letter")).doesNotExist();
            assertThat(JSON.readTree(report).path("errors").size()).as(report).isZero();
            assertThat(pages(requestsTo("/api/v1/accounts/1/contacts"))).containsExactlyInAnyOrder("1", "2", "3");
        }
    }

    @Test
    void a429IsWaitedOutAndTheFeedCompletes() throws Exception {
        // given Yampi rate-limits the first two requests for a second
        sandbox.yampi().rateLimitNext(2, 1);

        // when a poll runs, then every record still arrives
        try (RunningApp app = app().property("yampi.resources", "conversations,contacts").start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> files("conversations") == 60 && files("contacts") == 40);
        }
    }
}
