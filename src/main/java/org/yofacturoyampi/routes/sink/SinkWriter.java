package org.yofacturoyampi.routes.sink;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.yofacturoyampi.routes.database.PostgresDatabase;
import org.yofacturoyampi.routes.delivery.DeliveryStateUnavailableException;

/**
 * Reads and writes the sink's tables. A page's rows go in one statement, one round trip and one transaction
 * ({@code unnest} of arrays, upserted on the record's key): a row whose fingerprint the table already holds is left
 * as it is, a changed one replaces the record, counts a change and sets {@code last_changed}. When the database
 * refuses the statement for what a row holds (a constraint, a value jsonb cannot take), the page's rows are written
 * one by one so that only the rows refused stay out, each with the database's reason. A database that cannot be
 * reached is a {@link DeliveryStateUnavailableException}: nothing of the page was written.
 */
final class SinkWriter {

    private static final String UPSERT = "INSERT INTO %s AS r (tenant, record_key, id, parent_id, record, fingerprint)"
            + " SELECT u.tenant, u.record_key, u.id, u.parent_id, u.record::jsonb, u.fingerprint"
            + " FROM unnest(?::varchar[], ?::varchar[], ?::text[], ?::text[], ?::text[], ?::varchar[])"
            + " AS u(tenant, record_key, id, parent_id, record, fingerprint)"
            + " ON CONFLICT (tenant, record_key) DO UPDATE SET id = EXCLUDED.id, parent_id = EXCLUDED.parent_id,"
            + " record = EXCLUDED.record, fingerprint = EXCLUDED.fingerprint, last_changed = now(),"
            + " changes = r.changes + 1 WHERE r.fingerprint <> EXCLUDED.fingerprint";
    private static final String SELECT = "SELECT record_key, fingerprint FROM %s"
            + " WHERE tenant = ? AND record_key = ANY (?)";
    private static final String PARENTS = "SELECT DISTINCT split_part(record_key, '/', 1) FROM %s"
            + " WHERE tenant = ? AND split_part(record_key, '/', 1) = ANY (?)";
    private static final String CLEAR = "DELETE FROM %s WHERE tenant = ?";

    private final DataSource dataSource;
    private final String database;

    /** @param database the database in messages: its URL without parameters, never a password */
    SinkWriter(DataSource dataSource, String database) {
        this.dataSource = dataSource;
        this.database = database;
    }

    /** A row the database refused, and its reason (the first line of the database's message). */
    record Refusal(SinkRow row, String reason) {
    }

    /** Writes rows of one table (the newest of each key); returns the rows refused, empty when all went in. */
    List<Refusal> write(String table, Collection<SinkRow> rows) {
        Map<String, SinkRow> newest = new LinkedHashMap<>();
        rows.forEach(row -> newest.put(row.tenant() + '\t' + row.place().key(), row));
        if (newest.isEmpty()) {
            return List.of();
        }
        try {
            upsert(table, newest.values());
            return List.of();
        } catch (SQLException e) {
            if (!isRefusal(e)) {
                throw unavailable(table, newest.size() + " records stay pending", e);
            }
        }
        // what the page holds was refused: row by row, so that the others go in
        List<Refusal> refused = new ArrayList<>();
        for (SinkRow row : newest.values()) {
            try {
                upsert(table, List.of(row));
            } catch (SQLException e) {
                if (!isRefusal(e)) {
                    throw unavailable(table, "records stay pending", e);
                }
                refused.add(new Refusal(row, PostgresDatabase.reason(e)));
            }
        }
        return refused;
    }

    /** The fingerprints the table holds for these keys of a tenant. */
    Map<String, String> fingerprints(String table, String tenant, Collection<String> keys) {
        Map<String, String> found = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(String.format(SELECT, table))) {
            Array ids = c.createArrayOf("varchar", keys.toArray());
            s.setString(1, tenant);
            s.setArray(2, ids);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    found.put(rows.getString(1), rows.getString(2));
                }
            }
            ids.free();
        } catch (SQLException e) {
            throw unavailable(table, "cannot be read", e);
        }
        return found;
    }

    /** Which of these parents (batches of a page) have any row in the table ({@code <parent>/...} keys). */
    Set<String> parentsWithRows(String table, String tenant, Set<String> parents) {
        Set<String> found = new HashSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(String.format(PARENTS, table))) {
            Array ids = c.createArrayOf("varchar", parents.toArray());
            s.setString(1, tenant);
            s.setArray(2, ids);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            ids.free();
        } catch (SQLException e) {
            throw unavailable(table, "cannot be read", e);
        }
        return found;
    }

    /** Deletes a tenant's rows of these tables. */
    void clear(String tenant, List<String> tables) {
        try (Connection c = dataSource.getConnection()) {
            for (String table : tables) {
                try (PreparedStatement s = c.prepareStatement(String.format(CLEAR, table))) {
                    s.setString(1, tenant);
                    s.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw unavailable(String.join(", ", tables), "cannot be cleared", e);
        }
    }

    private void upsert(String table, Collection<SinkRow> rows) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(String.format(UPSERT, table))) {
            List<Array> arrays = List.of(
                    c.createArrayOf("varchar", rows.stream().map(SinkRow::tenant).toArray()),
                    c.createArrayOf("varchar", rows.stream().map(r -> r.place().key()).toArray()),
                    c.createArrayOf("text", rows.stream().map(SinkRow::id).toArray()),
                    c.createArrayOf("text", rows.stream().map(SinkRow::parentId).toArray()),
                    c.createArrayOf("text", rows.stream().map(SinkRow::json).toArray()),
                    c.createArrayOf("varchar", rows.stream().map(SinkRow::fingerprint).toArray()));
            for (int i = 0; i < arrays.size(); i++) {
                s.setArray(i + 1, arrays.get(i));
            }
            s.executeUpdate();
        }
    }

    /**
     * Refused for what the rows hold or where they go (data exception 22, constraint 23, cardinality 21, a table or
     * column missing or not allowed 42, 44), not because the database could not be reached or used.
     */
    static boolean isRefusal(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("21")
                || state.startsWith("42") || state.startsWith("44"));
    }

    private DeliveryStateUnavailableException unavailable(String table, String what, SQLException e) {
        return new DeliveryStateUnavailableException("the table sink database " + database
                + " cannot be reached (table " + table + ": " + what + "): " + PostgresDatabase.reason(e));
    }
}
