package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.TestDatabase;
import org.yofacturoyampi.routes.support.TraceLogs;

/** The cluster database's password appears in no log line, at TRACE, nor in any file written. */
@Tag("database")
class ClusterSecretsIT {

    private static final String PASSWORD = "fake-cluster-password-4711";

    @TempDir
    Path work;

    @Test
    void theDatabasePasswordAppearsInNoLogLineAtTraceNorInAnyFileWritten() throws Exception {
        SandboxSettings settings = SandboxSettings.builder().build();
        // given TRACE logs and a password (trust authentication accepts any)
        try (TraceLogs trace = TraceLogs.on(); TestDatabase db = TestDatabase.create(); Sandbox sandbox = Sandbox.start(settings);
                LogCapture log = LogCapture.start()) {
            // when a node starts, migrates, and runs a feed
            try (RunningApp app = RunningApp.builder(work)
                    .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                    .property("yampi.poll-cron", RunningApp.NEVER).property("yampi.resources", "teams")
                    .clusterDatabase(db)
                    .property("cluster.database-password", PASSWORD).start()) {
                assertThat(app.syncOverHttp("{\"feed\": \"yampi-teams\"}").body()).contains("\"delivered_total\":2");
            }

            // then the logs were verbose, yet hold no password
            assertThat(log.lines().size()).isGreaterThan(1000);
            assertThat(log.all()).contains("Cluster mode").doesNotContain(PASSWORD);
        }
        try (Stream<Path> walk = Files.walk(work)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString()).doesNotContain(PASSWORD);
            }
        }
    }
}
