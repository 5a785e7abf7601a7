package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.TestDatabase;

/** One YoFacturo session per organisation for two app instances on one PostgreSQL schema, against the sandbox. */
@Tag("database")
class ClusterSessionIT {

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().batchCount(3).build();
    @AutoClose
    private final Sandbox sandbox = Sandbox.start(settings);
    @AutoClose
    private final TestDatabase db = TestDatabase.create();

    private RunningApp node(String name) {
        return RunningApp.builder(work.resolve(name)).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                .clusterDatabase(db)
                .property("cluster.node-id", name).start();
    }

    @Test
    void twoInstancesStartingOnOneDatabaseMakeOneSessionsCallAndBothAreReady() throws Exception {
        // when two instances start (each checks the session at start-up) and both sync
        try (RunningApp a = node("a"); RunningApp b = node("b")) {
            assertThat(a.syncOverHttp("{\"feed\": \"yofacturo-invoice-batches\"}").statusCode()).isEqualTo(200);
            assertThat(b.syncOverHttp("{\"feed\": \"yofacturo-invoice-batches\"}").statusCode()).isEqualTo(200);

            // then one sessions call served both, and both are ready
            assertThat(sandbox.yofacturo().sessionCalls()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> a.get("/observe/health/ready").statusCode() == 200
                    && b.get("/observe/health/ready").statusCode() == 200);
        }
    }

    @Test
    void aRevokedSessionIsRenewedOnceForBothInstances() throws Exception {
        try (RunningApp a = node("a"); RunningApp b = node("b")) {
            a.syncOverHttp("{\"feed\": \"yofacturo-invoice-batches\"}");
            b.syncOverHttp("{\"feed\": \"yofacturo-invoice-batches\"}");
            assertThat(sandbox.yofacturo().sessionCalls()).isEqualTo(1);

            // given YoFacturo revokes the session both hold
            sandbox.yofacturo().revokeAllSessions();

            // when each syncs (each meets the 401 on its first call)
            assertThat(a.syncOverHttp("{\"feed\": \"yofacturo-invoice-batches\"}").statusCode()).isEqualTo(200);
            assertThat(b.syncOverHttp("{\"feed\": \"yofacturo-invoice-batches\"}").statusCode()).isEqualTo(200);

            // then the session was renewed once, by the first, and the second used it
            assertThat(sandbox.yofacturo().sessionCalls()).isEqualTo(2);
        }
    }
}
