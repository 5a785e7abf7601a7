package org.yofacturoyampi.routes.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.AppHttp;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;

/**
 * Feeds run on demand: a message on direct:sync, a dropped trigger file, an HTTP POST. Schedules never fire here. On
 * Camel's test kit ({@link CamelMainTest}): the tests share one configuration of the real app against the sandbox, and
 * so one context. So that they cannot see each other, each runs a feed no other test runs (its own output folder),
 * drops its own trigger file, and looks only at the Yampi requests made while it ran; every run a test starts is over
 * before it ends.
 */
@CamelMainTest
class SyncTriggerTest extends SharedAppContext {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SandboxSettings settings = SandboxSettings.builder().batchCount(30).invoicesPerBatch(1).build();
    private final Sandbox sandbox = upstream(Sandbox.start(settings));

    @Configure
    void theAppOnTheSandboxWithoutSchedules(MainConfigurationProperties main) {
        RunningApp.builder(work)
                .yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.poll-cron", RunningApp.NEVER)
                .configure(main);
    }

    private AppHttp app() {
        return AppHttp.of(context);
    }

    /** The Yampi requests the sandbox recorded from the {@code from}th on: those made since then. */
    private List<RecordedRequest> yampiRequestsSince(int from) {
        List<RecordedRequest> all = sandbox.yampi().recordedRequests();
        return all.subList(from, all.size());
    }

    private void dropTrigger(String name, String content) throws Exception {
        Path dir = Files.createDirectories(work.resolve("in/triggers"));
        Path temp = Files.writeString(dir.resolve("." + name + ".tmp"), content);
        Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aMessageOnDirectSyncRunsTheFeedAndAnswersWithWhatItDid() throws Exception {
        // when another route asks for the invoice batches now
        String answer = context.createProducerTemplate()
                .requestBodyAndHeader("direct:sync", null, "SyncFeed", "yofacturo-invoice-batches", String.class);

        // then the feed ran to the end before the answer, and the answer counts what was delivered
        JsonNode report = JSON.readTree(answer);
        assertThat(report.get("outcome").asText()).isEqualTo("ok");
        assertThat(report.get("delivered").get("invoice batch").asInt()).isEqualTo(30);
        assertThat(report.get("delivered").get("batch invoice").asInt()).isEqualTo(30);
        assertThat(JsonFiles.in(work.resolve("out/yofacturo/invoice-batches"))).isEqualTo(30);
    }

    @Test
    void aDroppedTriggerFileRunsTheFeedForItsAccountAndLeavesTheReportBesideIt() throws Exception {
        // given what Yampi was asked before (by other tests of this context)
        int before = sandbox.yampi().recordedRequests().size();
        // when a trigger for the contacts of account 1 is dropped
        dropTrigger("sync-contacts.json", "{\"feed\": \"yampi-contacts\", \"account\": \"1\"}");

        // then the trigger moves to .done/ with its report, and the contacts were delivered
        Path report = work.resolve("in/triggers/.done/sync-contacts.report.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(report));
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(work.resolve("in/triggers/.done/sync-contacts.json")));
        assertThat(work.resolve("in/triggers/sync-contacts.json")).doesNotExist();
        JsonNode r = JSON.readTree(report.toFile());
        assertThat(r.get("feed").asText()).isEqualTo("yampi-contacts");
        assertThat(r.get("account").asText()).isEqualTo("1");
        assertThat(r.get("delivered_total").asInt()).isEqualTo(40);
        assertThat(JsonFiles.in(work.resolve("out/yampi/1/contacts"))).isEqualTo(40);
        // and only contacts were asked of Yampi (since the trigger)
        assertThat(yampiRequestsSince(before)).isNotEmpty().allSatisfy(
                req -> assertThat(req.path()).isEqualTo("/api/v1/accounts/1/contacts"));
    }

    @Test
    void anHttpPostQueuesTheRunAndItsReportIsAtTheUrlItNames() throws Exception {
        // when a run is asked for over HTTP
        HttpResponse<String> accepted = app().postJson("/sync", "{\"feed\": \"yampi-teams\"}");

        // then it is accepted at once, naming the run and where its report will be
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode run = JSON.readTree(accepted.body());
        String location = "/sync/" + run.get("run").asText();
        assertThat(run.get("report").asText()).isEqualTo(location);
        assertThat(accepted.headers().firstValue("Location")).hasValue(location);

        // and once done, the report is there
        await().atMost(Duration.ofSeconds(20)).until(() -> app().get(location).statusCode() == 200);
        HttpResponse<String> report = app().get(location);
        assertThat(report.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(report.body()).get("delivered_total").asInt()).isEqualTo(2);
        assertThat(JSON.readTree(report.body()).get("run").asText()).isEqualTo(run.get("run").asText());
        assertThat(JsonFiles.in(work.resolve("out/yampi/1/teams"))).isEqualTo(2);
        assertThat(app().get("/sync/00000000-0000-0000-0000-000000000000").statusCode()).isEqualTo(404);
    }

    @Test
    void anHttpTriggerForAnUnknownFeedGets400NamingTheFeeds() throws Exception {
        // given how many requests Yampi had (from other tests of this context)
        int before = sandbox.yampi().requestCount();
        try (LogCapture log = LogCapture.start()) {
            HttpResponse<String> response = app().postJson("/sync", "{\"feed\": \"invoices\"}");

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("error").asText())
                    .contains("unknown feed 'invoices'", "yofacturo-invoice-batches", "yampi-contacts");
            assertThat(log.linesAt(Level.WARN)).anyMatch(l -> l.contains("sync trigger refused (http)"));
            assertThat(sandbox.yampi().requestCount() - before).as("Yampi requests since the trigger").isZero();
        }
    }

    @Test
    void anHttpTriggerForAnAccountNotPolledGets400() throws Exception {
        HttpResponse<String> response = app().postJson("/sync", "{\"feed\": \"yampi-contacts\", \"account\": \"9\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("account '9'", "YAMPI_ACCOUNT_IDS");
    }

    @Test
    void aMalformedTriggerFileIsMovedAsideWithTheReasonAndNothingRuns() throws Exception {
        // given how many requests Yampi had (from other tests of this context)
        int before = sandbox.yampi().requestCount();
        try (LogCapture log = LogCapture.start()) {
            dropTrigger("broken.json", "{\"feed\": \"yampi-contacts\"");

            Path report = work.resolve("in/triggers/.failed/broken.report.json");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(report));
            // the trigger itself moves once its exchange is done, just after the report is written
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(work.resolve("in/triggers/.failed/broken.json")));
            assertThat(work.resolve("in/triggers/.failed/broken.json")).hasContent("{\"feed\": \"yampi-contacts\"");
            assertThat(JSON.readTree(report.toFile()).get("error").asText()).contains("not JSON");
            assertThat(log.linesAt(Level.WARN)).anyMatch(l -> l.contains("sync trigger refused (file broken.json)"));
            assertThat(sandbox.yampi().requestCount() - before).as("Yampi requests since the trigger").isZero();
        }
    }
}
