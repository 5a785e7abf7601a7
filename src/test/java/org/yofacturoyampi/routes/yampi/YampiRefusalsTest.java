package org.yofacturoyampi.routes.yampi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.sandbox.SandboxSettings.YampiAccount;
import org.yofacturoyampi.routes.support.AppHttp;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SchedulePolls;
import org.yofacturoyampi.routes.support.SharedAppContext;

/**
 * What the Yampi feeds do when Yampi refuses them (a rejected token, a role or a bot that may not read a resource, an
 * account the token does not belong to or that does not exist, a 5xx burst), on Camel's test kit
 * ({@link CamelMainTest}). Each refusal is a configuration of its own, of the app and of its upstream (the sandbox's
 * Yampi, told before the context starts what to refuse, or a WireMock one), so each nested class is one context, with
 * the log captured from before it starts: the tests count the lines the app wrote in its whole life.
 */
@CamelMainTest
class YampiRefusalsTest {

    private static long files(Path work, String dir) throws Exception {
        return JsonFiles.in(work.resolve("out/yampi").resolve(dir));
    }

    private static List<String> linesContaining(LogCapture log, Level level, String text) {
        return log.linesAt(level).stream().filter(l -> l.contains(text)).toList();
    }

    private static List<RecordedRequest> requestsTo(Sandbox sandbox, String path) {
        return sandbox.yampi().recordedRequests().stream().filter(r -> r.path().equals(path)).toList();
    }

    /** The app polling these accounts of {@code yampi} every second with a token of this kind. */
    private static RunningApp.Builder app(Path work, String yampi, String token, String kind, String accountIds) {
        return RunningApp.builder(work).yampi(yampi, token, kind, accountIds);
    }

    /** Two accounts: 1 with 20 contacts, 7 with 16. */
    private static Sandbox twoAccounts() {
        return Sandbox.start(SandboxSettings.builder().yampiAccounts(Map.of(
                1L, new YampiAccount(20, 0, 0, 0, 0, 0), 7L, new YampiAccount(16, 0, 0, 0, 0, 0))).build());
    }

    /** Runs a feed once, on demand, and answers its report. */
    private static String runOnce(CamelContext context, String feed) {
        return context.createProducerTemplate().requestBodyAndHeader("direct:sync", null, "SyncFeed", feed, String.class);
    }

    /**
     * Waits until each of these schedule routes has run {@code polls} whole polls after this call, not counting the
     * one under way if any. Only a poll's own exchange counts, not the copies the walk's splits make of it.
     */
    private static void awaitPolls(CamelContext context, int polls, String... schedules) {
        List<NotifyBuilder> more = Stream.of(schedules).map(schedule -> SchedulePolls.done(context, schedule, polls + 1)).toList();
        for (int i = 0; i < schedules.length; i++) {
            assertThat(more.get(i).matches(20, TimeUnit.SECONDS)).as(polls + " more polls of " + schedules[i]).isTrue();
        }
    }

    /** Readiness is UP (a bounded wait: the health checks settle after start-up), the Yampi token's check with it. */
    private static void assertReadinessUp(CamelContext context) throws Exception {
        AppHttp http = AppHttp.of(context);
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/observe/health/ready").statusCode() == 200);
        assertThat(http.get("/observe/health/ready").body()).doesNotContain("DOWN");
    }

    @Nested
    class ARejectedToken extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));
        private final LogCapture log = upstream(LogCapture.start());

        @Configure
        void theAppPollingEveryDefaultResourceWithARevokedToken(MainConfigurationProperties main) {
            // given a user token that Yampi no longer accepts
            sandbox.yampi().revokeToken(settings.yampiUserToken());
            app(work, sandbox.baseUrl(), settings.yampiUserToken(), "user", "1").configure(main);
        }

        @Test
        void aRejectedTokenGivesOneErrorNamingYampiApiTokenAndNoRetries() {
            // when the first poll meets the 401
            await().atMost(Duration.ofSeconds(15)).until(() -> sandbox.yampi().requestCount() > 0
                    && !linesContaining(log, Level.ERROR, "YAMPI_API_TOKEN").isEmpty());
            int afterFirstPoll = sandbox.yampi().requestCount();

            // then three more scheduled polls (of every resource: each has its schedule) ask Yampi nothing
            awaitPolls(context, 3, "yampi-account", "yampi-conversations", "yampi-contacts", "yampi-inboxes", "yampi-labels",
                    "yampi-agents", "yampi-teams");
            assertThat(sandbox.yampi().requestCount()).isEqualTo(afterFirstPoll);
            // at most one request per resource was ever made, none retried
            assertThat(afterFirstPoll).isLessThanOrEqualTo(7);

            // and one error line said what to fix, without the token
            assertThat(linesContaining(log, Level.ERROR, "YAMPI_API_TOKEN")).hasSize(1);
            assertThat(log.all()).doesNotContain(settings.yampiUserToken());
        }
    }

    @Nested
    class ARejectedTokenAndTwoAccounts extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppRunningTeamsOnDemandOneRequestAtATime(MainConfigurationProperties main) {
            // given two accounts and a token that Yampi no longer accepts; no schedule, one run on demand, one request at
            // a time (with more, the accounts are walked side by side: their first requests go together, before any answer)
            sandbox.yampi().revokeToken(settings.yampiUserToken());
            app(work, sandbox.baseUrl(), settings.yampiUserToken(), "user", "1,7")
                    .property("yampi.resources", "teams").property("yampi.poll-cron", RunningApp.NEVER)
                    .property("yampi.max-concurrent-requests", "1").configure(main);
        }

        @Test
        void aTokenRejectedOnTheFirstAccountIsNotSentForTheNextAccountsOfTheSameRun() {
            // when the teams feed runs once and meets the 401 on account 1
            String report = runOnce(context, "yampi-teams");

            // then account 7 was not asked: one request in all, for account 1
            assertThat(report).contains("401");
            assertThat(sandbox.yampi().recordedRequests()).extracting(RecordedRequest::path)
                    .containsExactly("/api/v1/accounts/1/teams");
        }
    }

    @Nested
    class ARoleThatMayNotReadContacts extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));
        private final LogCapture log = upstream(LogCapture.start());

        @Configure
        void theAppPollingConversationsAndContacts(MainConfigurationProperties main) {
            // given a user whose role may not read contacts: upstream answers 401 "You are not authorized to do this action"
            sandbox.yampi().refuseAction("/contacts");
            app(work, sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                    .property("yampi.resources", "conversations,contacts").configure(main);
        }

        @Test
        void aResourceTheRolesMayNotReadIsWarnedOnceByNameWhileTheOthersKeepPollingAndReadinessStaysUp() throws Exception {
            // when several polls run
            await().atMost(Duration.ofSeconds(20)).until(() -> files(work, "1/conversations") == 60);
            int contactRequests = requestsTo(sandbox, "/api/v1/accounts/1/contacts").size();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> requestsTo(sandbox, "/api/v1/accounts/1/contacts").size() >= contactRequests + 2);

            // then one warning names contacts and Yampi's reason; conversations were delivered, contacts asked again at
            // each poll, the token is not paused, and readiness is up
            assertThat(linesContaining(log, Level.WARN, "'contacts'")).singleElement()
                    .satisfies(line -> assertThat(line).contains("401", "You are not authorized to do this action"));
            assertThat(files(work, "1/contacts")).isZero();
            assertThat(log.linesAt(Level.ERROR)).isEmpty();
            assertReadinessUp(context);
        }
    }

    @Nested
    class ATokenRemovedFromOneAccount extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox two = upstream(twoAccounts());
        private final LogCapture log = upstream(LogCapture.start());

        @Configure
        void theAppPollingAccounts7And1(MainConfigurationProperties main) {
            // given accounts 7 and 1, and a token whose user was removed from account 7 (upstream: 401, not 404)
            two.yampi().removeFromAccount(7);
            app(work, two.baseUrl(), settings.yampiUserToken(), "user", "7,1")
                    .property("yampi.resources", "account,contacts").configure(main);
        }

        @Test
        void anAccountTheTokenDoesNotBelongToIsWarnedOnceAndAskedAgainAtTheNextPollWhileTheOtherAccountsCarryOn() throws Exception {
            // when several polls run
            await().atMost(Duration.ofSeconds(20)).until(() -> files(work, "1/contacts") == 20);
            long asked = two.yampi().recordedRequests().stream().filter(r -> r.path().startsWith("/api/v1/accounts/7")).count();
            await().atMost(Duration.ofSeconds(20)).until(() -> two.yampi().recordedRequests().stream()
                    .filter(r -> r.path().startsWith("/api/v1/accounts/7")).count() >= asked + 2);

            // then one warning names account 7, the reason and YAMPI_ACCOUNT_IDS; account 1 was delivered; no error, and
            // readiness is up
            assertThat(linesContaining(log, Level.WARN, "account 7")).singleElement().satisfies(line -> assertThat(line)
                    .contains("401", "You are not authorized to access this account", "YAMPI_ACCOUNT_IDS"));
            assertThat(work.resolve("out/yampi/1/account.json")).exists();
            assertThat(work.resolve("out/yampi/7")).doesNotExist();
            assertThat(log.linesAt(Level.ERROR)).isEmpty();
            assertReadinessUp(context);
        }
    }

    @Nested
    class ABotTokenOnConversations extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));
        private final LogCapture log = upstream(LogCapture.start());

        @Configure
        void theAppPollingConversationsWithABotToken(MainConfigurationProperties main) {
            // given a bot token and a catalogue that (wrongly) says bots may list conversations
            app(work, sandbox.baseUrl(), settings.yampiBotToken(), "bot", "1").property("yampi.resources", "conversations")
                    .property("yampi.catalogue.conversations.tokens", "user,bot").configure(main);
        }

        @Test
        void aBotOnAnEndpointBotsMayNotCallIsARefusedResourceNotARejectedToken() throws Exception {
            // when several polls run
            await().atMost(Duration.ofSeconds(20)).until(() -> requestsTo(sandbox, "/api/v1/accounts/1/conversations").size() >= 3);

            // then one warning names conversations and the bots' refusal, and the token is not paused
            assertThat(linesContaining(log, Level.WARN, "'conversations'")).singleElement()
                    .satisfies(line -> assertThat(line).contains("401", "not authorized for bots"));
            assertThat(log.linesAt(Level.ERROR)).isEmpty();
            assertReadinessUp(context);
        }
    }

    @Nested
    class AnUnknownAccount extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));
        private final LogCapture log = upstream(LogCapture.start());

        @Configure
        void theAppPollingAccounts2And1(MainConfigurationProperties main) {
            // given accounts 1 and 2 configured, and Yampi knowing only account 1
            app(work, sandbox.baseUrl(), settings.yampiUserToken(), "user", "2,1")
                    .property("yampi.resources", "account,contacts").configure(main);
        }

        @Test
        void anUnknownAccountIsAnErrorNamingItWhileTheOtherAccountsKeepPolling() throws Exception {
            // when several polls run
            await().atMost(Duration.ofSeconds(20)).until(() -> files(work, "1/contacts") == 40);
            int requests = sandbox.yampi().requestCount();
            await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.yampi().requestCount() >= requests + 8);

            // then one error names account 2 and YAMPI_ACCOUNT_IDS, and account 1 was delivered
            List<String> errors = log.linesAt(Level.ERROR);
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0)).contains("account 2").contains("YAMPI_ACCOUNT_IDS");
            assertThat(work.resolve("out/yampi/1/account.json")).exists();
            assertThat(work.resolve("out/yampi/2")).doesNotExist();
        }
    }

    @Nested
    class ABotTokenOnTheDefaultResources extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));
        // from before the context starts: the line comes at start
        private final LogCapture log = upstream(LogCapture.start());

        @Configure
        void theAppWithABotToken(MainConfigurationProperties main) {
            // given a bot token and the default resources: upstream's agent bots may list or read none of them
            app(work, sandbox.baseUrl(), settings.yampiBotToken(), "bot", "1").configure(main);
        }

        @Test
        void aBotTokenPollsNothingAndSaysSoInOneLineAtStart() {
            // when the schedules (every second) would have run a few times, Yampi is asked nothing all along
            await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(10))
                    .until(() -> sandbox.yampi().recordedRequests().isEmpty());

            // then one line said that the bot token polls nothing, no resource route exists, and Yampi was asked nothing
            assertThat(linesContaining(log, Level.INFO, "bot token polls nothing")).hasSize(1);
            assertThat(log.linesAt(Level.WARN)).noneMatch(line -> line.contains("Yampi"));
            assertThat(context.getRoute("yampi-conversations")).isNull();
            assertThat(context.getRoute("yampi-contacts")).isNull();
            assertThat(sandbox.yampi().recordedRequests()).isEmpty();
            // and the message route is there to post with it
            assertThat(context.getRouteController().getRouteStatus("yampi-message-post")).isEqualTo(ServiceStatus.Started);
        }
    }

    @Nested
    class RefusalsWithAHostileReasonAndNone extends SharedAppContext {

        private final WireMockServer yampi = upstream(new WireMockServer(WireMockConfiguration.options().dynamicPort()));
        private final LogCapture log = upstream(LogCapture.start());
        private final String hostile = "nope\nERROR forged line \u001b[31m" + "x".repeat(10_000);

        @Configure
        void theAppRunningContactsAndTeamsOnDemand(MainConfigurationProperties main) throws Exception {
            // given a Yampi whose 401 on contacts carries a hostile reason (a forged log line, a terminal escape, 10,000
            // characters) and whose 403 on teams carries none
            yampi.start();
            yampi.stubFor(WireMock.get(WireMock.urlPathEqualTo("/api/v1/accounts/1/contacts")).willReturn(WireMock.aResponse()
                    .withStatus(401).withHeader("Content-Type", "application/json")
                    .withBody(new ObjectMapper().writeValueAsString(Map.of("error", hostile)))));
            yampi.stubFor(WireMock.get(WireMock.urlPathEqualTo("/api/v1/accounts/1/teams"))
                    .willReturn(WireMock.aResponse().withStatus(403)));
            app(work, yampi.baseUrl(), "yampi_test_FAKE_TOKEN", "user", "1")
                    .property("yampi.poll-cron", RunningApp.NEVER).property("yampi.resources", "contacts,teams").configure(main);
        }

        @Test
        void aRefusalsBodyIsEchoedCappedAndEscapedAndA403IsStillARefusedResource() throws Exception {
            // when each feed runs once
            for (String feed : List.of("yampi-contacts", "yampi-teams")) {
                runOnce(context, feed);
            }

            // then each refusal was warned once, on one line, the reason escaped and cut short; the token stands
            String contacts = linesContaining(log, Level.WARN, "'contacts'").stream().reduce("", String::concat);
            assertThat(contacts).contains("401", "nope\\u000aERROR forged line \\u001b[31m", "more characters")
                    .doesNotContain("\n", "\u001b").hasSizeLessThan(600);
            assertThat(linesContaining(log, Level.WARN, "'teams'")).singleElement()
                    .satisfies(line -> assertThat(line).contains("403"));
            assertThat(log.linesAt(Level.ERROR)).isEmpty();
            assertReadinessUp(context);
        }
    }

    @Nested
    class AFiveHundredsBurst extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppPollingContactsRetryingAfter100Ms(MainConfigurationProperties main) {
            // given Yampi answers 503 to the next three requests (redelivered after 100, 200, 400 ms: the default's
            // 1, 2, 4 s would only make the test wait)
            sandbox.yampi().failNext(3, 503);
            app(work, sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                    .property("yampi.resources", "contacts").property("http.retry-delay", "100").configure(main);
        }

        @Test
        void a5xxBurstIsRetriedAndEveryRecordArrives() {
            // when a poll runs, then every record still arrives
            await().atMost(Duration.ofSeconds(30)).until(() -> files(work, "1/contacts") == 40);
        }
    }

    @Nested
    class TwoAccounts extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox two = upstream(twoAccounts());

        @Configure
        void theAppPollingAccounts1And7(MainConfigurationProperties main) {
            // given two accounts in the sandbox
            app(work, two.baseUrl(), settings.yampiUserToken(), "user", "1, 7").property("yampi.resources", "contacts")
                    .configure(main);
        }

        @Test
        void severalAccountsArePolledEachIntoItsOwnFolder() {
            // then each account's contacts land under its id
            await().atMost(Duration.ofSeconds(20)).until(() -> files(work, "1/contacts") == 20 && files(work, "7/contacts") == 16);
        }
    }
}
