package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.builder.RouteBuilder;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;

/**
 * The cluster's database goes away while a node runs, then comes back: readiness goes DOWN and UP again, a run it cut
 * short ends in one line, and the next run delivers the rest with nothing lost. Written once; each subclass is one way
 * for the database to go away ({@link Outage}) and holds the tests only that way needs.
 */
abstract class DatabaseLossScenario {

    /** A database for one node that a test can take away and bring back. */
    interface Outage extends AutoCloseable {

        /** The node's cluster.database-url. */
        String url();

        /** The node's cluster.database-user. */
        String user();

        /** The database goes away: every connection ends and new ones fail. */
        void begin() throws Exception;

        /** The database is back, with the data it had. */
        void end() throws Exception;

        /** The delivery marks in the database (rows of delivery_state). */
        long marks() throws Exception;
    }

    private static final String CONTACTS = "{\"feed\": \"yampi-contacts\"}";

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().build();
    @AutoClose
    private final Sandbox sandbox = Sandbox.start(settings);

    /** A new database, up, for one test. */
    protected abstract Outage outage() throws Exception;

    /** A node in cluster mode on that database, with the Yampi contacts feed (40 records) run on demand only. */
    protected final RunningApp.Builder node(Outage outage) {
        return RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.poll-cron", RunningApp.NEVER)
                .property("yampi.resources", "contacts")
                .property("cluster.node-id", "node-under-test")
                .clusterDatabase(outage.url(), outage.user());
    }

    @Test
    void readinessIsDownWhileTheDatabaseCannotBeReachedAndUpWhenItIsBack() throws Exception {
        try (Outage outage = outage(); RunningApp app = node(outage).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> app.get("/observe/health/ready").statusCode() == 200);

            // when the database goes away, then readiness is DOWN, naming the check and the setting
            outage.begin();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/observe/health/ready").statusCode() == 503);
            assertThat(app.get("/observe/health/ready").body()).contains("cluster-database", "CLUSTER_DATABASE_URL");

            // when it is back, then readiness is UP again
            outage.end();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/observe/health/ready").statusCode() == 200);
        }
    }

    @Test
    void theDatabaseLostMidRunEndsTheRunInOneLineAndTheNextRunDeliversTheRestWithoutLosingAMark() throws Exception {
        // given a downstream during whose 20th record of 40 the database goes away: the run ends at the first check
        // after the node's mark writer met the database gone (records delivered meanwhile keep their marks queued until
        // it is back), or, when the writer meets it only after the last record, at the run's end
        databaseLostAtRecord(20, 40);
    }

    @Test
    void theDatabaseLostOnTheLastRecordEndsTheRunWithErrorsAsItsMarksCannotBeWritten() throws Exception {
        // given a downstream during whose last record the database goes away: no record is left to check, and the run's
        // end finds the marks it must write before letting go of the feed waiting for the database
        databaseLostAtRecord(40, 40);
    }

    /**
     * The contacts feed (40 records) run on demand; the database goes away during record {@code lostAt}, and the run
     * delivers at most {@code mostDelivered} before it ends.
     */
    private void databaseLostAtRecord(int lostAt, int mostDelivered) throws Exception {
        List<String> delivered = new CopyOnWriteArrayList<>();
        try (Outage outage = outage(); RunningApp app = node(outage).property("yampi.to", "direct:downstream").start();
                LogCapture log = LogCapture.start()) {
            app.context().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:downstream").process(e -> {
                        delivered.add(e.getMessage().getHeader("YampiRecordId", String.class));
                        if (delivered.size() == lostAt) {
                            outage.begin();
                        }
                    });
                }
            });

            String firstRun = app.syncOverHttp(CONTACTS).body();

            // then the run ended with errors, said in one line naming the database, not one per record
            assertThat(firstRun).contains("\"outcome\":\"errors\"");
            assertThat(delivered.size()).isBetween(lostAt, mostDelivered);
            List<String> lines = log.linesAt(Level.WARN).stream().filter(l -> l.contains("cluster database")).toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("yampi-contacts").doesNotContain("\tat ");
            // and readiness is DOWN while the database is away
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/observe/health/ready").statusCode() == 503);

            // when it comes back, the node reconnects by itself: readiness UP, and the next run delivers the rest
            outage.end();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/observe/health/ready").statusCode() == 200);
            String secondRun = app.syncOverHttp(CONTACTS).body();

            assertThat(secondRun).contains("\"outcome\":\"ok\"");
            assertThat(new HashSet<>(delivered)).hasSize(40);
            // at most the record in flight when the database went away is delivered twice, and no mark is lost: by the
            // end of the second run those queued while it was away are written too
            assertThat(delivered.size()).isLessThanOrEqualTo(41);
            assertThat(outage.marks()).isEqualTo(40);
        }
    }
}
