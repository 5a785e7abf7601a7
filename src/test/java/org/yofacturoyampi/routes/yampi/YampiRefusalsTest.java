package org.yofacturoyampi.routes.yampi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.sandbox.SandboxSettings.YampiAccount;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;

class YampiRefusalsTest {

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().build();
    private final Sandbox sandbox = Sandbox.start(settings);

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    private long files(String dir) throws Exception {
        return JsonFiles.in(work.resolve("out/yampi").resolve(dir));
    }

    private static List<String> linesContaining(LogCapture log, Level level, String text) {
        return log.linesAt(level).stream().filter(l -> l.contains(text)).toList();
    }

    @Test
    void aRejectedTokenGivesOneErrorNamingYampiApiTokenAndNoRetries() throws Exception {
        // given a user token that Yampi no longer accepts
        sandbox.yampi().revokeToken(settings.yampiUserToken());

        try (LogCapture log = LogCapture.start();
             RunningApp app = RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1").start()) {
            // when the first poll meets the 401
            await().atMost(Duration.ofSeconds(15)).until(() -> sandbox.yampi().requestCount() > 0
                    && !linesContaining(log, Level.ERROR, "YAMPI_API_TOKEN").isEmpty());
            int afterFirstPoll = sandbox.yampi().requestCount();

            // then three more scheduled polls ask Yampi nothing
            Thread.sleep(3_500);
            assertThat(sandbox.yampi().requestCount()).isEqualTo(afterFirstPoll);
            // at most one request per resource was ever made, none retried
            assertThat(afterFirstPoll).isLessThanOrEqualTo(7);

            // and one error line said what to fix, without the token
            assertThat(linesContaining(log, Level.ERROR, "YAMPI_API_TOKEN")).hasSize(1);
            assertThat(log.all()).doesNotContain(settings.yampiUserToken());
        }
    }

    @Test
    void aTokenRejectedOnTheFirstAccountIsNotSentForTheNextAccountsOfTheSameRun() throws Exception {
        // given two accounts and a token that Yampi no longer accepts; no schedule, one run on demand
        sandbox.yampi().revokeToken(settings.yampiUserToken());
        try (RunningApp app = RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1,7")
                .property("yampi.resources", "teams").property("yampi.poll-cron", RunningApp.NEVER).start()) {

            // when the teams feed runs once and meets the 401 on account 1
            String report = app.context().createProducerTemplate()
                    .requestBodyAndHeader("direct:sync", null, "SyncFeed", "yampi-teams", String.class);

            // then account 7 was not asked: one request in all, for account 1
            assertThat(report).contains("401");
            assertThat(sandbox.yampi().recordedRequests()).extracting(RecordedRequest::path)
                    .containsExactly("/api/v1/accounts/1/teams");
        }
    }

    @Test
    void aForbiddenResourceIsWarnedOnceByNameWhileTheOthersKeepPolling() throws Exception {
        // given a bot token, and a catalogue that (wrongly) says bots may read contacts
        try (LogCapture log = LogCapture.start();
             RunningApp app = RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiBotToken(), "bot", "1")
                     .property("yampi.resources", "conversations,contacts")
                     .property("yampi.catalogue.contacts.tokens", "user,bot").start()) {

            // when several polls run
            await().atMost(Duration.ofSeconds(20)).until(() -> files("1/conversations") == 60);
            int requests = sandbox.yampi().requestCount();
            await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.yampi().requestCount() >= requests + 6);

            // then one warning names contacts, and conversations were delivered all the same
            assertThat(linesContaining(log, Level.WARN, "'contacts'")).hasSize(1)
                    .allSatisfy(line -> assertThat(line).contains("403"));
            assertThat(files("1/contacts")).isZero();
            assertThat(log.linesAt(Level.ERROR)).isEmpty();
        }
    }

    @Test
    void anUnknownAccountIsAnErrorNamingItWhileTheOtherAccountsKeepPolling() throws Exception {
        // given accounts 1 and 2 configured, and Yampi knowing only account 1
        try (LogCapture log = LogCapture.start();
             RunningApp app = RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "2,1")
                     .property("yampi.resources", "account,contacts").start()) {

            // when several polls run
            await().atMost(Duration.ofSeconds(20)).until(() -> files("1/contacts") == 40);
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

    @Test
    void aBotTokensUnreadableResourcesAreReportedOnceAtStartupAndNeverRequested() throws Exception {
        // given a bot token and the default resources
        try (LogCapture log = LogCapture.start();
             RunningApp app = RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiBotToken(), "bot", "1").start()) {

            // when several polls run
            await().atMost(Duration.ofSeconds(20)).until(() -> files("1/conversations") == 60);
            int requests = sandbox.yampi().requestCount();
            await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.yampi().requestCount() >= requests + 6);

            // then one line listed what a bot cannot read, and only conversations were asked for
            List<String> warnings = linesContaining(log, Level.WARN, "bot token cannot read");
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).contains("account", "contacts", "inboxes", "agents", "teams", "labels");
            assertThat(sandbox.yampi().recordedRequests()).extracting(RecordedRequest::path)
                    .containsOnly("/api/v1/accounts/1/conversations");
            assertThat(app.isRouteStarted("yampi-conversations")).isTrue();
            assertThat(app.context().getRoute("yampi-contacts")).isNull();
        }
    }

    @Test
    void a5xxBurstIsRetriedAndEveryRecordArrives() throws Exception {
        // given Yampi answers 503 to the next three requests
        sandbox.yampi().failNext(3, 503);

        // when a poll runs, then every record still arrives
        try (RunningApp app = RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.resources", "contacts").start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> files("1/contacts") == 40);
        }
    }

    @Test
    void severalAccountsArePolledEachIntoItsOwnFolder() throws Exception {
        // given two accounts in the sandbox
        try (Sandbox two = Sandbox.start(SandboxSettings.builder().yampiAccounts(Map.of(
                1L, new YampiAccount(20, 0, 0, 0, 0, 0), 7L, new YampiAccount(16, 0, 0, 0, 0, 0))).build());
             RunningApp app = RunningApp.builder(work).yampi(two.baseUrl(), settings.yampiUserToken(), "user", "1, 7")
                     .property("yampi.resources", "contacts").start()) {
            // then each account's contacts land under its id
            await().atMost(Duration.ofSeconds(20)).until(() -> files("1/contacts") == 20 && files("7/contacts") == 16);
        }
    }
}
