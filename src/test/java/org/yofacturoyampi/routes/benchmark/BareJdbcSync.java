package org.yofacturoyampi.routes.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.Flyway;
import org.yofacturoyampi.routes.delivery.SafeFileName;

/**
 * The table sink's baseline: the walk of {@link BareHttpClientSync} with every page's records upserted into the sink's
 * tables by a bare JDBC loop, in the sink's batches: one transaction per page of batches (one statement for the
 * invoices of its batches, one for the batches) and per page of contacts, the same upsert the table sink makes: key,
 * id, parent, the record as jsonb and the SHA-256 fingerprint of its JSON, a row that holds the same fingerprint left
 * as it is. One connection; no delivery state (the upsert on the record's key is all), no Camel. The tables come from
 * the app's own migrations.
 */
final class BareJdbcSync implements AutoCloseable {

    private static final String UPSERT = "INSERT INTO %s AS r (tenant, record_key, id, parent_id, record, fingerprint)"
            + " SELECT u.tenant, u.record_key, u.id, u.parent_id, u.record::jsonb, u.fingerprint"
            + " FROM unnest(?::varchar[], ?::varchar[], ?::text[], ?::text[], ?::text[], ?::varchar[])"
            + " AS u(tenant, record_key, id, parent_id, record, fingerprint)"
            + " ON CONFLICT (tenant, record_key) DO UPDATE SET id = EXCLUDED.id, parent_id = EXCLUDED.parent_id,"
            + " record = EXCLUDED.record, fingerprint = EXCLUDED.fingerprint, last_changed = now(),"
            + " changes = r.changes + 1 WHERE r.fingerprint <> EXCLUDED.fingerprint";

    private final BareHttpClientSync http;
    private final Connection connection;
    private final ObjectMapper json = new ObjectMapper();

    BareJdbcSync(String baseUrl, String databaseUrl) throws SQLException {
        Flyway.configure(BareJdbcSync.class.getClassLoader()).dataSource(databaseUrl, BenchSchema.USER, "")
                .locations("classpath:db/sink").table("yyr_sink_schema_history").load().migrate();
        this.http = new BareHttpClientSync(baseUrl);
        this.connection = DriverManager.getConnection(databaseUrl, BenchSchema.USER, "");
        connection.setAutoCommit(false);
    }

    /** Invoice batches and their invoices into their tables; returns the records written. */
    long invoiceBatches(String apiKey) throws IOException, InterruptedException, SQLException {
        String bearer = http.session(apiKey);
        long records = 0;
        for (int page = 1; ; page++) {
            JsonNode answer = http.yofacturoPage("/api/v1/invoice_batches", page, bearer);
            List<Row> batches = new ArrayList<>();
            List<Row> invoices = new ArrayList<>();
            for (JsonNode batch : answer.path("data")) {
                invoicesOf(batch.path("id"), bearer, invoices);
                batches.add(row(SafeFileName.ofJson(batch.path("id")), batch.path("id").asText(), null, batch));
            }
            // the page's invoices, then its batches, in one transaction
            upsert("yofacturo_batch_invoices", invoices);
            upsert("yofacturo_invoice_batches", batches);
            connection.commit();
            records += invoices.size() + batches.size();
            if (answer.path("meta").path("current_page").asInt() >= answer.path("meta").path("total_pages").asInt()) {
                return records;
            }
        }
    }

    private void invoicesOf(JsonNode batchId, String bearer, List<Row> invoices) throws IOException,
            InterruptedException {
        String batchName = SafeFileName.ofJson(batchId);
        for (int page = 1; ; page++) {
            JsonNode answer = http.yofacturoPage("/api/v1/invoice_batches/" + batchId.asText() + "/batch_invoices",
                    page, bearer);
            for (JsonNode invoice : answer.path("data")) {
                invoices.add(row(batchName + "/" + SafeFileName.ofJson(invoice.path("id")), invoice.path("id").asText(),
                        batchId.asText(), invoice));
            }
            if (answer.path("meta").path("current_page").asInt() >= answer.path("meta").path("total_pages").asInt()) {
                return;
            }
        }
    }

    /** The contacts of one Yampi account into yampi_contacts; returns the records written. */
    long contacts(String token, long accountId) throws IOException, InterruptedException, SQLException {
        long records = 0;
        for (int page = 1; ; page++) {
            JsonNode answer = http.contactsPage(token, accountId, page);
            List<Row> contacts = new ArrayList<>();
            for (JsonNode contact : answer.path("payload")) {
                contacts.add(row(accountId + "/" + SafeFileName.ofJson(contact.path("id")), contact.path("id").asText(),
                        String.valueOf(accountId), contact));
            }
            upsert("yampi_contacts", contacts);
            connection.commit();
            records += contacts.size();
            if (contacts.isEmpty() || records >= answer.path("meta").path("count").asLong()) {
                return records;
            }
        }
    }

    private record Row(String key, String id, String parentId, String json, String fingerprint) {
    }

    private Row row(String key, String id, String parentId, JsonNode record) throws IOException {
        String text = json.writeValueAsString(record);
        return new Row(key, id, parentId, text, fingerprint(text));
    }

    private void upsert(String table, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement s = connection.prepareStatement(String.format(UPSERT, table))) {
            List<Array> arrays = List.of(
                    connection.createArrayOf("varchar", rows.stream().map(r -> "default").toArray()),
                    connection.createArrayOf("varchar", rows.stream().map(Row::key).toArray()),
                    connection.createArrayOf("text", rows.stream().map(Row::id).toArray()),
                    connection.createArrayOf("text", rows.stream().map(Row::parentId).toArray()),
                    connection.createArrayOf("text", rows.stream().map(Row::json).toArray()),
                    connection.createArrayOf("varchar", rows.stream().map(Row::fingerprint).toArray()));
            for (int i = 0; i < arrays.size(); i++) {
                s.setArray(i + 1, arrays.get(i));
            }
            s.executeUpdate();
        }
    }

    private static String fingerprint(String json) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
