package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.builder.RouteBuilder;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.TcpProxy;
import org.yofacturoyampi.routes.support.TestDatabase;

/** The cluster's database goes away while a node runs (a proxy between them is cut), then comes back. */
@Tag("database")
class DatabaseOutageIT {

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().build();
    private final Sandbox sandbox = Sandbox.start(settings);

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    private RunningApp.Builder node(TestDatabase db, TcpProxy proxy) {
        return RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.poll-cron", RunningApp.NEVER)
                .property("yampi.resources", "contacts")
                .property("cluster.node-id", "node-under-test")
                .property("cluster.database-url", db.urlThrough(proxy.port()))
                .property("cluster.database-user", db.user());
    }

    @Test
    void readinessIsDownWhileTheDatabaseCannotBeReachedAndUpWhenItIsBack() throws Exception {
        try (TestDatabase db = TestDatabase.create(); TcpProxy proxy = TcpProxy.to(db.server().getHost(), db.server().getPort());
                RunningApp app = node(db, proxy).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> app.get("/observe/health/ready").statusCode() == 200);

            proxy.cut();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/observe/health/ready").statusCode() == 503);
            assertThat(app.get("/observe/health/ready").body()).contains("cluster-database", "CLUSTER_DATABASE_URL");

            proxy.restore();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/observe/health/ready").statusCode() == 200);
        }
    }

    @Test
    void theDatabaseLostMidRunEndsTheRunInOneLineAndTheNextRunDeliversTheRestWithoutLosingAMark() throws Exception {
        List<String> delivered = new CopyOnWriteArrayList<>();
        try (TestDatabase db = TestDatabase.create(); TcpProxy proxy = TcpProxy.to(db.server().getHost(), db.server().getPort());
                RunningApp app = node(db, proxy).property("yampi.to", "direct:downstream").start();
                LogCapture log = LogCapture.start()) {
            // given a downstream during whose 20th record the database goes away
            app.context().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:downstream").process(e -> {
                        delivered.add(e.getMessage().getHeader("YampiRecordId", String.class));
                        if (delivered.size() == 20) {
                            proxy.cut();
                        }
                    });
                }
            });

            String firstRun = app.syncOverHttp("{\"feed\": \"yampi-contacts\"}").body();

            // then the run ended with errors, said in one line naming the database, not one per record; it ends at the
            // first check after the node's mark writer met the database gone (records delivered meanwhile keep their
            // marks queued until it is back)
            assertThat(firstRun).contains("\"outcome\":\"errors\"");
            assertThat(delivered.size()).isBetween(20, 39);
            List<String> lines = log.linesAt(Level.WARN).stream().filter(l -> l.contains("cluster database")).toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("yampi-contacts").doesNotContain("\tat ");

            // when it comes back, the node reconnects by itself and the next run delivers the rest
            proxy.restore();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/observe/health/ready").statusCode() == 200);
            String secondRun = app.syncOverHttp("{\"feed\": \"yampi-contacts\"}").body();

            assertThat(secondRun).contains("\"outcome\":\"ok\"");
            Set<String> distinct = ConcurrentHashMap.newKeySet();
            distinct.addAll(delivered);
            assertThat(distinct).hasSize(40);
            // at most the record in flight when the database went away is delivered twice (the marks queued while it
            // was away were written when it came back)
            assertThat(delivered.size()).isLessThanOrEqualTo(41);
            assertThat(db.count("SELECT count(*) FROM delivery_state")).isEqualTo(40);
        }
    }

    @Test
    void metricsCarryTheNodeId() throws Exception {
        try (TestDatabase db = TestDatabase.create(); TcpProxy proxy = TcpProxy.to(db.server().getHost(), db.server().getPort());
                RunningApp app = node(db, proxy).start()) {
            app.syncOverHttp("{\"feed\": \"yampi-contacts\"}");

            assertThat(app.get("/observe/metrics").body())
                    .containsPattern("yyr_records_delivered_total\\{[^}]*node=\"node-under-test\"");
        }
    }
}
