package org.yofacturoyampi.routes.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.tenant.Tenants;

@Tag("processes")
class SandboxModeIT {

    @TempDir
    Path work;

    private long count(Path dir) throws Exception {
        return JsonFiles.under(dir);
    }

    @Test
    void withSandboxTheAppPullsTheSimulatedBatchesInvoicesAndYampiRecordsIntoJsonFiles() throws Exception {
        // given the app started with --sandbox (300 generated batches, 1 to 3 invoices each; Yampi account 1)
        try (RunningApp app = RunningApp.builder(work).sandbox()
                .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND)
                .property("yampi.poll-cron", RunningApp.EVERY_SECOND).start()) {

            // when a poll runs, then every batch and every invoice arrives as a file
            Path batches = work.resolve("out/yofacturo/invoice-batches");
            await().atMost(Duration.ofSeconds(30)).until(() -> count(batches) == 300);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> count(work.resolve("out/yofacturo/batch-invoices")) == 100 + 100 * 2 + 100 * 3);
            assertThat(new ObjectMapper().readTree(batches.resolve("42.json").toFile()).get("external_batch_id").asText())
                    .isEqualTo("ext-000042");
            await().atMost(Duration.ofSeconds(10)).until(() -> count(work.resolve("out/yampi/1")) == 115);
        }
    }

    @Test
    void withSandboxTheConfiguredTenantsAreIgnoredAndOnlyTheSimulatorsFakeCredentialsAreUsed() throws Exception {
        // given a configuration listing tenants, each with a credential the simulator does not know
        try (RunningApp app = RunningApp.builder(work).sandbox()
                .property("yofacturo.tenants", "acme")
                .property("yofacturo.tenant.acme.api-key", "org_live_FAKE_acme_key_not_a_secret")
                .property("yampi.tenants", "support")
                .property("yampi.tenant.support.api-token", "yampi_FAKE_support_token_not_a_secret")
                .property("yampi.tenant.support.account-ids", "1").start()) {

            // then the sandbox runs its one tenant of each API on its own fake credentials, which the simulator accepts
            assertThat(app.bean("yofacturoTenants", Tenants.class).all().keySet()).containsExactly(Tenants.DEFAULT);
            assertThat(app.isRouteStarted("yampi-contacts")).isTrue();
            assertThat(app.context().getRoute("yampi-support-contacts")).isNull();
            await().atMost(Duration.ofSeconds(10)).until(() -> app.get("/observe/health/ready").statusCode() == 200);
        }
    }

    @Test
    void withSandboxACredentialInTheEnvironmentStopsStartUpNamingTheVariablesButNotTheirValues() throws Exception {
        // given the app launched as its own process with --sandbox and a key and a tenant list in its environment
        String key = "org_live_FAKE_env_key_not_a_secret";
        Path output = work.resolve("app.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Application.class.getName(), "--sandbox");
        pb.redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("YOFACTURO_") || k.startsWith("YAMPI_"));
        pb.environment().put("YOFACTURO_API_KEY", key);
        pb.environment().put("YAMPI_TENANTS", "support");
        // should it start anyway, it must not write into the project folder nor take port 8080
        pb.environment().put("OUTPUT_DIR", work.resolve("out").toString());
        pb.environment().put("STATE_DIR", work.resolve("state").toString());
        pb.environment().put("INPUT_DIR", work.resolve("in").toString());
        pb.environment().put("SERVER_HOST", "127.0.0.1");
        pb.environment().put("SERVER_PORT", String.valueOf(freePort()));
        Process app = pb.start();
        try {
            // then it stops before any request, with exit status 2 and one line naming both variables
            assertThat(app.waitFor(30, TimeUnit.SECONDS)).as("the app stopped").isTrue();
            String log = Files.readString(output);
            assertThat(app.exitValue()).as(log).isEqualTo(2);
            assertThat(log).contains("configuration error: --sandbox", "YAMPI_TENANTS, YOFACTURO_API_KEY are set")
                    .doesNotContain(key);
            assertThat(work.resolve("out")).doesNotExist();
        } finally {
            app.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
