package org.yofacturoyampi.routes.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.AppHttp;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;

/**
 * What a trigger sends cannot forge a log line, flood the log or the answer, nor learn the account ids. On Camel's
 * test kit ({@link CamelMainTest}): the tests share one configuration of the real app (Yampi accounts 1 and 4242 of
 * the sandbox, no schedule), and so one context. Each captures the log while it runs and sends triggers no other test
 * sends; a trigger file's exchange is over (the file moved) before its test ends, so no test's line lands in another's
 * capture. The limits as settings, which stop start-up, are in {@link TriggerLimitsTest}.
 */
@CamelMainTest
class TriggerInputTest extends SharedAppContext {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SandboxSettings settings = SandboxSettings.builder().batchCount(1).invoicesPerBatch(1).build();
    private final Sandbox sandbox = upstream(Sandbox.start(settings));

    @Configure
    void theAppForTwoYampiAccountsWithoutSchedule(MainConfigurationProperties main) {
        RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1,4242")
                .property("yampi.poll-cron", RunningApp.NEVER).configure(main);
    }

    private AppHttp app() {
        return AppHttp.of(context);
    }

    private static String trigger(String feed) throws Exception {
        return "{\"feed\": " + JSON.writeValueAsString(feed) + "}";
    }

    @Test
    void aFeedNameWithANewlineIsRefusedInOneWarnLineThatForgesNoOther() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            // when a trigger names a feed holding a line break and a fake log line
            HttpResponse<String> response = app().postJson("/sync",
                    trigger("nope\n12:00:00.000 INFO  [main] FeedRuns - yampi-contacts (http): all good"));

            // then it is refused, in one WARN line with the break escaped, and no line of the log starts the forgery
            assertThat(response.statusCode()).isEqualTo(400);
            List<String> refused = log.linesAt(Level.WARN).stream().filter(l -> l.contains("sync trigger refused")).toList();
            assertThat(refused).singleElement().asString().contains("nope\\n12:00:00.000").doesNotContain("\n");
            assertThat(log.lines()).noneMatch(l -> l.contains("\n12:00:00.000"));
            assertThat(JSON.readTree(response.body()).get("error").asText()).doesNotContain("\n");
        }
    }

    @Test
    void aHugeFeedNameIsEchoedAFewHundredCharactersAtMost() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            // when a trigger names a feed of 60,000 characters (under the body limit)
            HttpResponse<String> response = app().postJson("/sync", trigger("x".repeat(60_000)));

            // then the answer and the WARN line echo a few hundred of them, and still name the valid feeds
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).hasSizeLessThan(1500).contains("more characters", "yampi-contacts");
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("sync trigger refused")).singleElement()
                    .asString().hasSizeLessThan(1500);
            // and nothing else logged it whole: the capture holds what this trigger logged (the context had started
            // before it), far less than the 60,000 characters of the name
            assertThat(log.all()).hasSizeLessThan(5_000);
        }
    }

    @Test
    void aTriggerBodyOverTheLimitIsRefusedUnread() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            // when a trigger of 1 MB comes by HTTP, and another as a file
            HttpResponse<String> response = app().postJson("/sync", trigger("y".repeat(1_000_000)));
            Path dir = Files.createDirectories(work.resolve("in/triggers"));
            Path temp = Files.writeString(dir.resolve(".big.tmp"), trigger("z".repeat(1_000_000)));
            Files.move(temp, dir.resolve("big.json"), StandardCopyOption.ATOMIC_MOVE);

            // then the server answers 413, the file goes to .failed/ with the reason, and neither is echoed
            assertThat(response.statusCode()).isEqualTo(413);
            Path report = work.resolve("in/triggers/.failed/big.report.json");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(report));
            // (and the file itself once its exchange is done, just after the report: nothing of it comes later)
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(work.resolve("in/triggers/.failed/big.json")));
            assertThat(JSON.readTree(report.toFile()).get("error").asText()).contains("triggers.max-bytes");
            assertThat(log.all()).doesNotContain("yyyyyyyyyy").doesNotContain("zzzzzzzzzz");
        }
    }

    @Test
    void aTriggerForAnAccountNotPolledIsRefusedWithoutListingTheAccounts() throws Exception {
        // when a trigger names an account that is not polled
        HttpResponse<String> response = app().postJson("/sync", "{\"feed\": \"yampi-contacts\", \"account\": \"9\"}");

        // then it is refused naming the setting, not the accounts polled
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("account '9'", "YAMPI_ACCOUNT_IDS").doesNotContain("4242");
    }
}
