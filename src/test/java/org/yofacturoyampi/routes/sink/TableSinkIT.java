package org.yofacturoyampi.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.sandbox.YampiSimulator;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.TestDatabase;

/** The table sink (SINK_DATABASE_URL) against the sandbox and a real PostgreSQL schema of the test's own. */
@Tag("database")
class TableSinkIT {

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().batchCount(30).invoicesPerBatch(2).build();
    @AutoClose
    private final Sandbox sandbox = Sandbox.start(settings);

    private RunningApp.Builder app(TestDatabase db) {
        return RunningApp.builder(work)
                .yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.poll-cron", RunningApp.NEVER)
                .property("yampi.resources", "contacts,teams")
                .property("sink.database-url", db.url())
                .property("sink.database-user", db.user());
    }

    @Test
    void aFullSyncPutsEveryRecordInTheTableOfItsKindOnceAndWritesNoFile() throws Exception {
        try (TestDatabase db = TestDatabase.create(); RunningApp app = app(db).start()) {
            // when every feed runs once
            for (String feed : List.of("yofacturo-invoice-batches", "yampi-contacts", "yampi-teams")) {
                assertThat(app.syncOverHttp("{\"feed\": \"" + feed + "\"}").body()).contains("\"outcome\":\"ok\"");
            }

            // then each record is one row of its kind's table, with its JSON, its id and its parent
            assertThat(db.count("SELECT count(*) FROM yofacturo_invoice_batches")).isEqualTo(30);
            assertThat(db.count("SELECT count(*) FROM yofacturo_batch_invoices")).isEqualTo(60);
            assertThat(db.count("SELECT count(*) FROM yampi_contacts")).isEqualTo(40);
            assertThat(db.count("SELECT count(*) FROM yampi_teams")).isEqualTo(2);
            assertThat(db.count("SELECT count(*) FROM yampi_contacts WHERE record->>'id' = id AND parent_id = '1'"
                    + " AND record_key = '1/' || id AND tenant = 'default'")).isEqualTo(40);
            assertThat(db.count("SELECT count(*) FROM yofacturo_batch_invoices i JOIN yofacturo_invoice_batches b"
                    + " ON i.parent_id = b.id AND i.record_key = b.record_key || '/' || i.id")).isEqualTo(60);
            // and no record changed, so none counts a change
            assertThat(db.count("SELECT sum(changes) FROM yampi_contacts")).isZero();
            // and nothing went to the default file sinks
            assertThat(Files.exists(work.resolve("out/yofacturo/invoice-batches"))).isFalse();
            assertThat(Files.exists(work.resolve("out/yampi"))).isFalse();

            // and a second sync of unchanged data delivers nothing (the rows are the delivery state)
            assertThat(app.syncOverHttp("{\"feed\": \"yampi-contacts\"}").body()).contains("\"delivered_total\":0");
        }
    }

    @Test
    void onlyTheKindsSinkDatabaseFeedsNamesGoIntoTablesTheOthersToTheirDownstream() throws Exception {
        try (TestDatabase db = TestDatabase.create(); RunningApp app = app(db)
                .property("sink.database-feeds", "yofacturo-batch-invoices").start()) {
            // when the batches run with only their invoices sinking to a table
            assertThat(sync(app, "yofacturo-invoice-batches")).contains("\"outcome\":\"ok\"");

            // then the invoices are rows, the batches files (each marked only once its invoices were committed)
            assertThat(db.count("SELECT count(*) FROM yofacturo_batch_invoices")).isEqualTo(60);
            assertThat(db.count("SELECT count(*) FROM yofacturo_invoice_batches")).isZero();
            try (var files = Files.list(work.resolve("out/yofacturo/invoice-batches"))) {
                assertThat(files.count()).isEqualTo(30);
            }
            assertThat(sync(app, "yofacturo-invoice-batches")).contains("\"delivered_total\":0");
        }
    }

    @Test
    void aChangedRecordReplacesItsRowWhichCountsTheChange() throws Exception {
        try (TestDatabase db = TestDatabase.create(); RunningApp app = app(db).start()) {
            app.syncOverHttp("{\"feed\": \"yampi-contacts\"}");
            // (the sandbox's contact i of account 1 has the id 1000000 + i)
            Map<String, String> before = row(db, "1000005");

            // given contact 5 changed upstream
            sandbox.yampi().changeContact(1, 5);

            // when the contacts run again
            app.syncOverHttp("{\"feed\": \"yampi-contacts\"}");

            // then its row holds the latest version and one change; no other row changed, none was added
            Map<String, String> after = row(db, "1000005");
            assertThat(after.get("record")).isNotEqualTo(before.get("record"));
            assertThat(after.get("fingerprint")).isNotEqualTo(before.get("fingerprint"));
            assertThat(after.get("changes")).isEqualTo("1");
            assertThat(after.get("first_seen")).isEqualTo(before.get("first_seen"));
            assertThat(after.get("changed_later")).isEqualTo("t");
            assertThat(db.count("SELECT count(*) FROM yampi_contacts")).isEqualTo(40);
            assertThat(db.count("SELECT sum(changes) FROM yampi_contacts")).isEqualTo(1);
        }
    }

    @Test
    void conversationsAndTheirMessagesGoIntoTheirTablesAndANewMessageChangesItsConversationsRowOnce() throws Exception {
        int allMessages = IntStream.rangeClosed(1, 60).map(YampiSimulator::generatedMessages).sum();
        try (TestDatabase db = TestDatabase.create(); RunningApp app = app(db)
                .property("yampi.resources", "conversations,messages").start()) {
            // when the conversations run (the sandbox's conversation i of account 1 has the id 100000 + i)
            assertThat(sync(app, "yampi-conversations")).contains("\"outcome\":\"ok\"");

            // then each conversation and each of its messages has its row
            assertThat(db.count("SELECT count(*) FROM yampi_conversations")).isEqualTo(60);
            assertThat(db.count("SELECT count(*) FROM yampi_messages")).isEqualTo(allMessages);
            assertThat(db.count("SELECT count(*) FROM yampi_messages WHERE parent_id = '100003'"
                    + " AND record_key LIKE '1/100003/%'")).isEqualTo(YampiSimulator.generatedMessages(3));

            // when a customer writes in conversation 3, and the conversations run again
            sandbox.yampi().addMessage(1, 100003, "hello");
            assertThat(sync(app, "yampi-conversations")).contains("\"outcome\":\"ok\"");

            // then the new message has its row, and the conversation's row one change; nothing else changed
            assertThat(db.count("SELECT count(*) FROM yampi_messages")).isEqualTo(allMessages + 1);
            assertThat(db.count("SELECT count(*) FROM yampi_messages WHERE record->>'content' = 'hello'")).isEqualTo(1);
            assertThat(db.count("SELECT changes FROM yampi_conversations WHERE id = '100003'")).isEqualTo(1);
            assertThat(db.count("SELECT sum(changes) FROM yampi_conversations")).isEqualTo(1);
            assertThat(db.count("SELECT sum(changes) FROM yampi_messages")).isZero();
        }
    }

    private static String sync(RunningApp app, String feed) throws Exception {
        return app.syncOverHttp("{\"feed\": \"" + feed + "\"}").body();
    }

    @Test
    void aRowTheTableRefusesStaysPendingIsSaidOnceARunAndGoesInOnceAccepted() throws Exception {
        try (TestDatabase db = TestDatabase.create(); RunningApp app = app(db)
                .property("sink.database-password", "sink-password-never-logged").start();
                LogCapture log = LogCapture.start()) {
            // given the table refuses two contacts (a constraint of the user's)
            db.execute("ALTER TABLE yampi_contacts ADD CONSTRAINT not_these CHECK (id NOT IN ('1000007', '1000023'))");

            // when the contacts run
            String report = app.syncOverHttp("{\"feed\": \"yampi-contacts\"}").body();

            // then the others are in, the two are not, and the run says so
            assertThat(db.count("SELECT count(*) FROM yampi_contacts")).isEqualTo(38);
            assertThat(report).contains("\"outcome\":\"errors\"").contains("yampi_contacts").contains("not_these");
            // in one line for the run though they came on two pages, naming the table and the database's reason
            List<String> lines = log.linesAt(Level.WARN).stream().filter(l -> l.contains("yampi_contacts")).toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("refused 1 record", "not_these", "yampi-contacts");
            assertThat(log.all()).doesNotContain("sink-password-never-logged");

            // when the table accepts them again, the next run delivers them and only them
            db.execute("ALTER TABLE yampi_contacts DROP CONSTRAINT not_these");
            String next = app.syncOverHttp("{\"feed\": \"yampi-contacts\"}").body();

            assertThat(next).contains("\"outcome\":\"ok\"").contains("\"delivered_total\":2");
            assertThat(db.count("SELECT count(*) FROM yampi_contacts")).isEqualTo(40);
            assertThat(db.count("SELECT sum(changes) FROM yampi_contacts")).isZero();
        }
    }

    @Test
    void aYampiResourceWithoutATableStaysPendingAndTheRunSaysWhatToChange() throws Exception {
        // given a resource of the user's own catalogue, which migration V1 made no table for
        try (TestDatabase db = TestDatabase.create(); RunningApp app = app(db)
                .property("yampi.resources", "contacts,people")
                .property("yampi.catalogue.people.path", "/api/v1/accounts/{account_id}/contacts")
                .property("yampi.catalogue.people.records", "/payload")
                .property("yampi.catalogue.people.tokens", "user").start()) {
            // when it runs
            String report = app.syncOverHttp("{\"feed\": \"yampi-people\"}").body();

            // then nothing is marked, and the run names the resource and the two settings that can change
            assertThat(report).contains("\"outcome\":\"errors\"", "no table for the Yampi resource 'people'",
                    "YAMPI_RESOURCES", "SINK_DATABASE_FEEDS").doesNotContain("does not exist");
            assertThat(app.syncOverHttp("{\"feed\": \"yampi-people\"}").body()).contains("\"outcome\":\"errors\"");
        }
    }

    @Test
    void inClusterModeOnTheSameDatabaseTheTablesAreTheStateOfTheirRecords() throws Exception {
        try (TestDatabase db = TestDatabase.create(); RunningApp app = app(db)
                .clusterDatabase(db).start()) {
            // when the contacts run in cluster mode with the table sink on the cluster's own schema
            assertThat(app.syncOverHttp("{\"feed\": \"yampi-contacts\"}").body()).contains("\"outcome\":\"ok\"");

            // then both sets of migrations ran, each with its own history; the contacts are rows of their table only
            assertThat(db.count("SELECT count(*) FROM yyr_sink_schema_history WHERE success")).isPositive();
            assertThat(db.count("SELECT count(*) FROM flyway_schema_history WHERE success")).isPositive();
            assertThat(db.count("SELECT count(*) FROM yampi_contacts")).isEqualTo(40);
            assertThat(db.count("SELECT count(*) FROM delivery_state")).isZero();
            // and they are delivered once
            assertThat(app.syncOverHttp("{\"feed\": \"yampi-contacts\"}").body()).contains("\"delivered_total\":0");
        }
    }

    @Test
    void aSinkUrlThatIsNotPostgresStopsStartUpNamingTheSetting() {
        Throwable failure = catchThrowable(() -> RunningApp.builder(work)
                .property("sink.database-url", "jdbc:mysql://db/records?password=secret").start().close());

        assertThat(configurationError(failure)).contains("SINK_DATABASE_URL").doesNotContain("secret");
    }

    /** The message of the configuration error in the failure's chain (Camel may wrap it). */
    private static String configurationError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationException wrong) {
                return wrong.getMessage();
            }
        }
        throw new AssertionError("no configuration error in " + failure);
    }

    private static Map<String, String> row(TestDatabase db, String id) throws Exception {
        try (var c = db.connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(
                "SELECT record::text, fingerprint, changes, first_seen::text, last_changed > first_seen"
                        + " FROM yampi_contacts WHERE id = '" + id + "'")) {
            assertThat(rows.next()).as("row of contact %s", id).isTrue();
            return Map.of("record", rows.getString(1), "fingerprint", rows.getString(2), "changes", rows.getString(3),
                    "first_seen", rows.getString(4), "changed_later", rows.getString(5));
        }
    }
}
