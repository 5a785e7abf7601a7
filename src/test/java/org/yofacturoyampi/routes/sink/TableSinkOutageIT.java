package org.yofacturoyampi.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.TcpProxy;
import org.yofacturoyampi.routes.support.TestDatabase;

/** The table sink's database goes away in the middle of a run (a proxy between them is cut), then comes back. */
@Tag("database")
class TableSinkOutageIT {

    private static final int CONTACTS = 3000;

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder()
            .yampiAccounts(Map.of(1L, new SandboxSettings.YampiAccount(CONTACTS, 0, 0, 0, 0, 0))).build();
    @AutoClose
    private final Sandbox sandbox = Sandbox.start(settings);

    @Test
    void recordsOfARunThatLostTheTableStayPendingAndArriveOnceItIsBackNoneTwice() throws Exception {
        try (TestDatabase db = TestDatabase.create();
                TcpProxy proxy = TcpProxy.to(db.server().getHost(), db.server().getPort());
                RunningApp app = RunningApp.builder(work)
                        .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                        .property("yampi.poll-cron", RunningApp.NEVER)
                        .property("yampi.resources", "contacts")
                        .property("sink.database-url", db.urlThrough(proxy.port()))
                        .property("sink.database-user", db.user())
                        .property("sink.database-password", "sink-password-never-logged").start();
                LogCapture log = LogCapture.start()) {
            // given a run under way, which loses the database once its first pages are in the table
            CompletableFuture<String> run = CompletableFuture.supplyAsync(() -> sync(app));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                    .until(() -> db.count("SELECT count(*) FROM yampi_contacts") >= 15);
            proxy.cut();

            // then the run ends with errors, said in one line naming the table sink's database and table
            String report = run.get(60, TimeUnit.SECONDS);
            assertThat(report).contains("\"outcome\":\"errors\"");
            long written = db.count("SELECT count(*) FROM yampi_contacts");
            assertThat(written).isLessThan(CONTACTS);
            List<String> lines = log.linesAt(Level.WARN).stream().filter(l -> l.contains("table sink database"))
                    .toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("yampi-contacts", "yampi_contacts").doesNotContain("\tat ");
            assertThat(log.all()).doesNotContain("sink-password-never-logged");

            // when the database is back, the next run, at once, delivers the rest (a lookup that meets a connection
            // the outage broke runs once more on a new one)
            proxy.restore();
            String next = sync(app);

            // then every record has its row, and none was applied twice
            assertThat(next).contains("\"outcome\":\"ok\"");
            assertThat(db.count("SELECT count(*) FROM yampi_contacts")).isEqualTo(CONTACTS);
            assertThat(db.count("SELECT sum(changes) FROM yampi_contacts")).isZero();
            assertThat(next).contains("\"delivered_total\":" + (CONTACTS - written));
        }
    }

    private static String sync(RunningApp app) {
        try {
            return app.syncOverHttp("{\"feed\": \"yampi-contacts\"}").body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
