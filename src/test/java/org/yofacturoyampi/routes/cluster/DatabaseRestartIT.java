package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.PrivatePostgres;
import org.yofacturoyampi.routes.support.RunningApp;

/** The cluster's PostgreSQL server itself is restarted in the middle of a sync (a server of the test's own). */
@Tag("database")
@Tag("processes")
class DatabaseRestartIT {

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().build();
    private final Sandbox sandbox = Sandbox.start(settings);

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    @Test
    void aServerRestartedMidSyncTakesReadinessDownThenUpAndTheNextRunDeliversTheRestWithNothingLost() throws Exception {
        List<String> delivered = new CopyOnWriteArrayList<>();
        try (PrivatePostgres server = PrivatePostgres.start();
                RunningApp app = RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                        .property("yampi.poll-cron", RunningApp.NEVER)
                        .property("yampi.resources", "contacts")
                        .property("yampi.to", "direct:downstream")
                        .property("cluster.database-url", server.url())
                        .property("cluster.database-user", "postgres").start()) {
            // given a downstream during whose 20th record the database server stops
            app.context().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:downstream").process(e -> {
                        delivered.add(e.getMessage().getHeader("YampiRecordId", String.class));
                        if (delivered.size() == 20) {
                            server.stop();
                        }
                    });
                }
            });

            String firstRun = app.syncOverHttp("{\"feed\": \"yampi-contacts\"}").body();

            // then that run ends with errors, and readiness is DOWN while the server is down
            assertThat(firstRun).contains("\"outcome\":\"errors\"");
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/observe/health/ready").statusCode() == 503);

            // when the server is back, the node reconnects by itself: readiness UP, and the next run delivers the rest
            server.startServer();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/observe/health/ready").statusCode() == 200);
            String secondRun = app.syncOverHttp("{\"feed\": \"yampi-contacts\"}").body();

            assertThat(secondRun).contains("\"outcome\":\"ok\"");
            assertThat(new HashSet<>(delivered)).hasSize(40);
            // nothing lost, and at most the record in flight when the server stopped delivered twice
            assertThat(delivered.size()).isLessThanOrEqualTo(41);
            await().atMost(Duration.ofSeconds(10)).until(() -> marked(server) == 40);
        }
    }

    private static long marked(PrivatePostgres server) throws Exception {
        try (Connection c = DriverManager.getConnection(server.url(), "postgres", "");
                Statement s = c.createStatement();
                ResultSet row = s.executeQuery("SELECT count(*) FROM delivery_state")) {
            row.next();
            return row.getLong(1);
        }
    }
}
