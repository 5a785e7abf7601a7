package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.delivery.DeliveryStateRepository;
import org.yofacturoyampi.routes.paging.OpenRecord;
import org.yofacturoyampi.routes.paging.PageIds;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.ClusterSchema;
import org.yofacturoyampi.routes.support.ConnectionCount;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.TestDatabase;

/** In cluster mode what was delivered is one row per (tenant, feed, record id) in PostgreSQL. */
@Tag("database")
class DatabaseDeliveryStateIT {

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().batchCount(30).invoicesPerBatch(2).build();
    @AutoClose
    private final Sandbox sandbox = Sandbox.start(settings);

    private RunningApp.Builder node(TestDatabase db, Path dir) {
        return RunningApp.builder(dir)
                .yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.poll-cron", RunningApp.NEVER)
                .property("yampi.resources", "contacts")
                .clusterDatabase(db);
    }

    private static String sync(RunningApp app, String feed) throws Exception {
        return app.syncOverHttp("{\"feed\": \"" + feed + "\"}").body();
    }

    @Test
    void aRunMarksEveryDeliveredRecordInTheDatabaseAndNoFileUnderStateDir() throws Exception {
        try (TestDatabase db = TestDatabase.create(); RunningApp app = node(db, work).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> app.get("/observe/health/ready").statusCode() == 200);
            sync(app, "yofacturo-invoice-batches");
            sync(app, "yampi-contacts");

            assertThat(db.count("SELECT count(*) FROM delivery_state WHERE tenant = 'default'"
                    + " AND feed = 'yofacturo-invoice-batches'")).isEqualTo(30);
            assertThat(db.count("SELECT count(*) FROM delivery_state WHERE feed = 'yofacturo-batch-invoices'")).isEqualTo(60);
            assertThat(db.count("SELECT count(*) FROM delivery_state WHERE feed = 'yampi'"
                    + " AND record_id LIKE 'contacts/1/%'")).isEqualTo(40);
            assertThat(work.resolve("state")).doesNotExist();
        }
    }

    @Test
    void anotherNodeOnTheSameDatabaseDeliversNothingAgain() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            try (RunningApp first = node(db, work.resolve("a")).start()) {
                sync(first, "yampi-contacts");
            }
            try (RunningApp second = node(db, work.resolve("b")).start()) {
                assertThat(sync(second, "yampi-contacts")).contains("\"records_read\":40").contains("\"delivered_total\":0");
                assertThat(work.resolve("b/out/yampi/1/contacts")).doesNotExist();
            }
        }
    }

    @Test
    void aRecordTheDownstreamRefusedIsNotMarked() throws Exception {
        Path notAFolder = Files.writeString(work.resolve("not-a-folder"), "x");
        try (TestDatabase db = TestDatabase.create();
                RunningApp app = node(db, work).property("yampi.to", "file:" + notAFolder + "/yampi").start()) {
            sync(app, "yampi-contacts");

            assertThat(db.count("SELECT count(*) FROM delivery_state")).isZero();
        }
    }

    @Test
    void aChangedRecordIsDeliveredAgainAsChangedAndItsRowKeepsTheNewFingerprint() throws Exception {
        try (TestDatabase db = TestDatabase.create(); HikariDataSource pool = pool(db)) {
            DatabaseDeliveryState state = new DatabaseDeliveryState(pool, new DeliveryMarkWriter(pool), "default", "yampi");
            state.add("contacts/1/7\tfingerprint-a");

            Exchange exchange = new DefaultExchange(new DefaultCamelContext());
            assertThat(state.contains(exchange, "contacts/1/7\tfingerprint-a")).isTrue();
            assertThat(state.contains(exchange, "contacts/1/7\tfingerprint-b")).isFalse();
            assertThat(exchange.getVariable(DeliveryStateRepository.CHANGE)).isEqualTo("changed");
            assertThat(state.add("contacts/1/7\tfingerprint-b")).isTrue();
            assertThat(state.add("contacts/1/7\tfingerprint-b")).isFalse();
            assertThat(db.count("SELECT count(*) FROM delivery_state WHERE record_id = 'contacts/1/7'"
                    + " AND fingerprint = 'fingerprint-b'")).isEqualTo(1);
        }
    }

    @Test
    void checkingAPageOfAHundredRecordsCostsOneQuery() throws Exception {
        try (TestDatabase db = TestDatabase.create(); HikariDataSource pool = pool(db)) {
            DatabaseDeliveryState state = new DatabaseDeliveryState(pool, new DeliveryMarkWriter(pool), "default", "yampi");
            IntStream.range(0, 50).forEach(i -> state.add("contacts/1/" + i + "\tseen"));
            AtomicInteger connections = new AtomicInteger();
            DatabaseDeliveryState counted = new DatabaseDeliveryState(ConnectionCount.counting(pool, connections), new DeliveryMarkWriter(pool),
                    "default", "yampi");
            List<String> ids = IntStream.range(0, 100).mapToObj(String::valueOf).toList();
            PageIds page = new PageIds(ids);
            DefaultCamelContext camel = new DefaultCamelContext();

            int known = 0;
            for (String id : ids) {
                // as the split hands each record of the page to the idempotent consumer
                Exchange record = new DefaultExchange(camel);
                record.setVariable(PageIds.VARIABLE, page);
                record.setVariable(OpenRecord.RECORD_ID, id);
                record.setVariable(OpenRecord.RECORD_NAME, id);
                known += counted.contains(record, "contacts/1/" + id + "\tseen") ? 1 : 0;
            }

            assertThat(known).isEqualTo(50);
            assertThat(connections.get()).isEqualTo(1);
        }
    }

    @Test
    void theInvoicesOfAPageOfBatchesWithNoInvoiceMarkedCostOneQueryForThePage() throws Exception {
        try (TestDatabase db = TestDatabase.create(); HikariDataSource pool = pool(db)) {
            AtomicInteger connections = new AtomicInteger();
            DatabaseDeliveryState invoices = new DatabaseDeliveryState(ConnectionCount.counting(pool, connections),
                    new DeliveryMarkWriter(pool), "default", "yofacturo-batch-invoices");
            PageIds batches = new PageIds(IntStream.range(0, 100).mapToObj(String::valueOf).toList());

            // when each batch's page of invoices is checked, as the walk of each new batch does
            int known = 0;
            for (int batch = 0; batch < 100; batch++) {
                known += invoices.contains(invoice(batches, batch, 1), batch + "/1\tprint") ? 1 : 0;
            }

            // then nothing is known, and one query asked which batches have any invoice marked
            assertThat(known).isZero();
            assertThat(connections.get()).isEqualTo(1);
        }
    }

    @Test
    void anInvoiceMarkedByAnEarlierRunUnderABatchIsStillKnown() throws Exception {
        try (TestDatabase db = TestDatabase.create(); HikariDataSource pool = pool(db)) {
            // given an earlier run that delivered batch 7's first invoice, then stopped before the batch
            new DatabaseDeliveryState(pool, new DeliveryMarkWriter(pool), "default", "yofacturo-batch-invoices")
                    .add("7/1\tprint");
            DatabaseDeliveryState invoices = new DatabaseDeliveryState(pool, new DeliveryMarkWriter(pool), "default",
                    "yofacturo-batch-invoices");
            PageIds batches = new PageIds(List.of("6", "7", "8"));

            // then this run knows it, and not its sibling or the other batches' invoices
            assertThat(invoices.contains(invoice(batches, 6, 1), "6/1\tprint")).isFalse();
            assertThat(invoices.contains(invoice(batches, 7, 1), "7/1\tprint")).isTrue();
            assertThat(invoices.contains(invoice(batches, 7, 2), "7/2\tprint")).isFalse();
        }
    }

    @Test
    void anInvoiceMarkedEarlierInThisRunIsKnownOnALaterPageOfItsBatch() throws Exception {
        try (TestDatabase db = TestDatabase.create(); HikariDataSource pool = pool(db)) {
            DeliveryMarkWriter writer = new DeliveryMarkWriter(pool);
            DatabaseDeliveryState invoices = new DatabaseDeliveryState(pool, writer, "default", "yofacturo-batch-invoices");
            PageIds batches = new PageIds(List.of("7"));
            Exchange first = invoice(batches, 7, 1);
            assertThat(invoices.contains(first, "7/1\tprint")).isFalse();
            invoices.add(first, "7/1\tprint");
            writer.flush(); // committed, no longer queued

            // when the same invoice comes again on the batch's second page
            PageIds secondPage = new PageIds(List.of("1"), batches);
            Exchange again = new DefaultExchange(new DefaultCamelContext());
            again.setVariable(PageIds.VARIABLE, secondPage);
            again.setVariable(OpenRecord.RECORD_NAME, "1");

            assertThat(invoices.contains(again, "7/1\tprint")).isTrue();
        }
    }

    @Test
    void bothLookupsProbeThePrimaryKeyPerIdEvenOnATableThatWasNeverAnalyzed() throws Exception {
        try (TestDatabase db = TestDatabase.create(); HikariDataSource pool = pool(db)) {
            // given a big table whose statistics never caught up (autovacuum off, or behind a feed that just grew)
            db.execute("INSERT INTO delivery_state (tenant, feed, record_id, fingerprint) SELECT 'default', 'yampi',"
                    + " 'contacts/1/' || i, 'f' FROM generate_series(1, 20000) i");
            db.execute("INSERT INTO delivery_state (tenant, feed, record_id, fingerprint) SELECT 'default',"
                    + " 'yofacturo-batch-invoices', i || '/1', 'f' FROM generate_series(1, 20000) i");

            // then each id is an index condition, not a filter over every row of the feed
            assertThat(plan(pool, DatabaseDeliveryState.PROBE.selectSql(), "yampi", "contacts/1/1", "contacts/1/2"))
                    .contains("Index Cond").doesNotContain("Filter:").doesNotContain("Seq Scan");
            assertThat(plan(pool, DatabaseDeliveryState.PROBE.parentsSql(), "yofacturo-batch-invoices", "1", "2"))
                    .contains("Index Cond").doesNotContain("Filter:").doesNotContain("Seq Scan");
        }
    }

    private static String plan(DataSource pool, String sql, String feed, String... ids) throws Exception {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement("EXPLAIN " + sql)) {
            s.setArray(1, c.createArrayOf("varchar", ids));
            s.setString(2, "default");
            s.setString(3, feed);
            StringBuilder plan = new StringBuilder();
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    /** An invoice's exchange as the walk of a batch on the page {@code batches} hands it to the idempotent consumer. */
    private static Exchange invoice(PageIds batches, int batch, int invoice) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(PageIds.VARIABLE, new PageIds(List.of(String.valueOf(invoice)), batches));
        exchange.setVariable(OpenRecord.RECORD_ID, String.valueOf(invoice));
        exchange.setVariable(OpenRecord.RECORD_NAME, String.valueOf(invoice));
        return exchange;
    }

    private static HikariDataSource pool(TestDatabase db) {
        return ClusterDatabase.open(ClusterSchema.settings(db.url(), db.user()));
    }
}
