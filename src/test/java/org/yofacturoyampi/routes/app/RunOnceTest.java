package org.yofacturoyampi.routes.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;

class RunOnceTest {

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().batchCount(40).invoicesPerBatch(1).build();
    private final Sandbox sandbox = Sandbox.start(settings);
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    private RunningApp.Builder app() {
        return RunningApp.builder(work)
                .yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.resources", "contacts,teams");
    }

    private int runOnce(RunningApp.Builder app) throws Exception {
        return RunOnce.run(app.create("--once"), new PrintStream(output, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyFeedRunsOnceThenItExitsWith0AndASummary() throws Exception {
        int status = runOnce(app());

        assertThat(status).isZero();
        assertThat(JsonFiles.in(work.resolve("out/yofacturo/invoice-batches"))).isEqualTo(40);
        assertThat(JsonFiles.in(work.resolve("out/yampi/1/contacts"))).isEqualTo(40);
        assertThat(JsonFiles.in(work.resolve("out/yampi/1/teams"))).isEqualTo(2);
        assertThat(printed()).contains("run once: 3 feeds, 122 records delivered, all delivered");
        // each feed was walked once: one list page of batches, 3 pages of contacts, 1 of teams
        assertThat(sandbox.yofacturo().recordedRequests()).filteredOn(r -> r.path().equals("/api/v1/invoice_batches"))
                .hasSize(1);
        assertThat(sandbox.yampi().requestCount()).isEqualTo(4);
    }

    @Test
    void aSecondRunDeliversNothingAgainAndStillExits0() throws Exception {
        runOnce(app());
        output.reset();

        assertThat(runOnce(app())).isZero();
        assertThat(printed()).contains("0 records delivered, all delivered");
    }

    @Test
    void aDownstreamThatRefusesMakesItExit1() throws Exception {
        // given a batch sink under a regular file, where no folder can be made
        Path notAFolder = Files.writeString(work.resolve("not-a-folder"), "x");
        int status = runOnce(app().property("yofacturo.invoice-batches-to", "file:" + notAFolder + "/batches"));

        assertThat(status).isEqualTo(1);
        assertThat(printed()).contains("1 with errors");
        // and what could be delivered was
        assertThat(JsonFiles.in(work.resolve("out/yampi/1/contacts"))).isEqualTo(40);
    }

    @Test
    void withNoFeedConfiguredItExits2() throws Exception {
        assertThat(runOnce(RunningApp.builder(work))).isEqualTo(2);
        assertThat(printed()).contains("no feed is configured");
    }
}
