package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.ClusterSchema;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.TestDatabase;
import org.yofacturoyampi.routes.support.TraceLogs;

/** In cluster mode neither the YoFacturo session token nor CLUSTER_SECRET_KEY reaches a log line (TRACE) or a file. */
@Tag("database")
class ClusterSessionSecretsIT {

    @TempDir
    Path work;

    @Test
    void theSessionTokenAndTheSecretKeyAppearInNoLogLineAtTraceNorInAnyFileWritten() throws Exception {
        SandboxSettings settings = SandboxSettings.builder().batchCount(2).build();
        String token;
        String log;
        // given TRACE logs
        try (TraceLogs trace = TraceLogs.on(); TestDatabase db = TestDatabase.create(); Sandbox sandbox = Sandbox.start(settings);
                LogCapture capture = LogCapture.start()) {
            // when a node gets a session, keeps it in the database and runs a feed with it
            try (RunningApp app = RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                    .clusterDatabase(db).start()) {
                assertThat(app.syncOverHttp("{\"feed\": \"yofacturo-invoice-batches\"}").statusCode()).isEqualTo(200);
            }
            // the token the cluster shares, opened with the (fake) key
            try (Connection c = db.connect(); Statement s = c.createStatement();
                    ResultSet row = s.executeQuery("SELECT sealed_token FROM yyr_yofacturo_session")) {
                assertThat(row.next()).isTrue();
                token = SessionCipher.fromSetting(ClusterSchema.FAKE_SECRET_KEY).open(row.getBytes(1), "default");
            }
            log = capture.all();
            assertThat(capture.lines().size()).isGreaterThan(1000);
        }

        // then neither is in the logs nor in any file
        assertThat(token).isNotBlank();
        assertThat(log).contains("session renewed").doesNotContain(token).doesNotContain(ClusterSchema.FAKE_SECRET_KEY);
        try (Stream<Path> walk = Files.walk(work)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString()).doesNotContain(token)
                        .doesNotContain(ClusterSchema.FAKE_SECRET_KEY);
            }
        }
    }
}
