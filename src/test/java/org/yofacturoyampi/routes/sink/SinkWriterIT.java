package org.yofacturoyampi.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.yofacturoyampi.routes.database.PostgresDatabase;
import org.yofacturoyampi.routes.support.TestDatabase;

/** The sink's writes against a real PostgreSQL schema migrated as the app does. */
@Tag("database")
class SinkWriterIT {

    private static SinkWriter writer(TestDatabase db) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(db.url());
        source.setUser(db.user());
        PostgresDatabase.migrate(source, new PostgresDatabase.Target("the table sink database", "sink", db.url(),
                db.url(), db.user(), "", 2, SinkDatabase.MIGRATIONS, SinkDatabase.HISTORY_TABLE, "check"));
        return new SinkWriter(source, "the test database");
    }

    private static SinkRow row(String feed, String recordId, String json) {
        return new SinkRow(SinkTables.place(feed, recordId), "default", recordId, null, json, "f", null);
    }

    private static SinkRow contact(String id, String json, String fingerprint) {
        return new SinkRow(SinkTables.place(SinkTables.YAMPI, "contacts/1/" + id), "default", id, "1", json,
                fingerprint, null);
    }

    @Test
    void aVersionTheRowAlreadyHoldsChangesNothingAndANewOneCountsOneChange() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            SinkWriter writer = writer(db);
            // given a contact written once
            writer.write("yampi_contacts", List.of(contact("1", "{\"id\":1,\"name\":\"a\"}", "f1")));

            // when the same version is written again (after a crash, say), then a changed one
            writer.write("yampi_contacts", List.of(contact("1", "{\"id\":1,\"name\":\"a\"}", "f1")));
            long afterSame = db.count("SELECT changes FROM yampi_contacts");
            writer.write("yampi_contacts", List.of(contact("1", "{\"id\":1,\"name\":\"b\"}", "f2")));

            // then the same version was not applied again, the changed one once
            assertThat(afterSame).isZero();
            assertThat(db.count("SELECT changes FROM yampi_contacts")).isEqualTo(1);
            assertThat(db.count("SELECT count(*) FROM yampi_contacts WHERE record->>'name' = 'b'")).isEqualTo(1);
            assertThat(writer.fingerprints("yampi_contacts", "default", List.of("1/1"))).containsEntry("1/1", "f2");
        }
    }

    @Test
    void aRowJsonbCannotTakeIsRefusedWithTheDatabasesReasonAndTheOthersOfItsPageGoIn() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            SinkWriter writer = writer(db);

            // when a page holds a record with a NUL character, which jsonb refuses
            List<SinkWriter.Refusal> refused = writer.write("yampi_contacts", List.of(
                    contact("1", "{\"id\":1}", "f1"),
                    contact("2", "{\"id\":2,\"name\":\"a\\u0000b\"}", "f2"),
                    contact("3", "{\"id\":3}", "f3")));

            // then that record alone is refused, with PostgreSQL's reason, and the others are in
            assertThat(refused).hasSize(1);
            assertThat(refused.get(0).row().recordId()).isEqualTo("contacts/1/2");
            assertThat(refused.get(0).reason()).containsIgnoringCase("unicode");
            assertThat(db.count("SELECT count(*) FROM yampi_contacts")).isEqualTo(2);
        }
    }

    @Test
    void aBatchWhoseInvoiceIsRefusedStaysOutWithItAndTheRestOfThePageGoesInTogether() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            SinkWriter writer = writer(db);
            // given a page of two batches whose second batch's invoice the table refuses
            db.execute("ALTER TABLE yofacturo_batch_invoices ADD CONSTRAINT not_this CHECK (record_key <> '2/20')");
            Map<String, List<SinkRow>> page = new LinkedHashMap<>();
            page.put("yofacturo_batch_invoices", List.of(row(SinkTables.BATCH_INVOICES, "1/10", "{\"id\":10}"),
                    row(SinkTables.BATCH_INVOICES, "2/20", "{\"id\":20}")));
            page.put("yofacturo_invoice_batches", List.of(row(SinkTables.INVOICE_BATCHES, "1", "{\"id\":1}"),
                    row(SinkTables.INVOICE_BATCHES, "2", "{\"id\":2}")));

            // when the page is written
            List<SinkWriter.Refusal> refused = writer.write(page);

            // then the refused invoice and its batch stay out; the other batch and its invoice are in
            assertThat(refused).extracting(r -> r.row().recordId()).containsExactly("2/20", "2");
            assertThat(refused.get(0).reason()).contains("not_this");
            assertThat(db.count("SELECT count(*) FROM yofacturo_invoice_batches WHERE record_key = '1'")).isEqualTo(1);
            assertThat(db.count("SELECT count(*) FROM yofacturo_invoice_batches")).isEqualTo(1);
            assertThat(db.count("SELECT count(*) FROM yofacturo_batch_invoices")).isEqualTo(1);
        }
    }
}
