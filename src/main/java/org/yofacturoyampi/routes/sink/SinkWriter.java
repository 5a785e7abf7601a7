package org.yofacturoyampi.routes.sink;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.yofacturoyampi.routes.database.KeyProbe;
import org.yofacturoyampi.routes.database.PostgresDatabase;
import org.yofacturoyampi.routes.delivery.DeliveryStateUnavailableException;

/**
 * Reads and writes the sink's tables. A page's rows go in one transaction, one statement per table ({@code unnest}
 * of arrays, upserted on the record's key): a row whose fingerprint the table already holds is left
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
    private static final String CLEAR = "DELETE FROM %s WHERE tenant = ?";

    private final DataSource dataSource;
    private final Map<String, KeyProbe> probes = new ConcurrentHashMap<>();
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
        return write(Map.of(table, List.copyOf(rows)));
    }

    /**
     * Writes rows of several tables in one transaction, one statement per table in the map's order (the newest row of
     * each key); returns the rows refused, empty when all went in. When the database refuses what rows hold, each row
     * goes in alone, in the same order, and a row under which a refused row was ({@code <key>/...}: a batch whose
     * invoice was refused) is left out too, so a batch is never in its table without its invoices.
     */
    List<Refusal> write(Map<String, List<SinkRow>> byTable) {
        Map<String, Collection<SinkRow>> newest = new LinkedHashMap<>();
        int count = 0;
        for (Map.Entry<String, List<SinkRow>> table : byTable.entrySet()) {
            Map<String, SinkRow> rows = new LinkedHashMap<>();
            table.getValue().forEach(row -> rows.put(row.tenant() + '\t' + row.place().key(), row));
            if (!rows.isEmpty()) {
                newest.put(table.getKey(), rows.values());
                count += rows.size();
            }
        }
        if (newest.isEmpty()) {
            return List.of();
        }
        String tables = String.join(", ", newest.keySet());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (Map.Entry<String, Collection<SinkRow>> table : newest.entrySet()) {
                    upsert(c, table.getKey(), table.getValue());
                }
                c.commit();
                return List.of();
            } catch (SQLException e) {
                rollback(c);
                if (!isRefusal(e)) {
                    throw unavailable(tables, count + " records stay pending", e);
                }
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable(tables, count + " records stay pending", e);
        }
        return oneByOne(newest);
    }

    /** What the database refused, row by row: the others go in. */
    private List<Refusal> oneByOne(Map<String, Collection<SinkRow>> newest) {
        List<Refusal> refused = new ArrayList<>();
        Set<String> refusedKeys = new HashSet<>();
        for (Map.Entry<String, Collection<SinkRow>> table : newest.entrySet()) {
            for (SinkRow row : table.getValue()) {
                String under = row.tenant() + '\t' + row.place().key();
                if (refusedKeys.contains(under)) {
                    refused.add(new Refusal(row, "a record under it was refused"));
                    continue;
                }
                try (Connection c = dataSource.getConnection()) {
                    upsert(c, table.getKey(), List.of(row));
                } catch (SQLException e) {
                    if (!isRefusal(e)) {
                        throw unavailable(table.getKey(), "records stay pending", e);
                    }
                    refused.add(new Refusal(row, PostgresDatabase.reason(e)));
                    int slash = row.place().key().indexOf('/');
                    if (slash > 0) {
                        refusedKeys.add(row.tenant() + '\t' + row.place().key().substring(0, slash));
                    }
                }
            }
        }
        return refused;
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is broken: nothing was committed
        }
    }

    /** The fingerprints the table holds for these keys of a tenant. */
    Map<String, String> fingerprints(String table, String tenant, Collection<String> keys) {
        try {
            return probe(table).values(dataSource, keys, tenant);
        } catch (SQLException e) {
            throw unavailable(table, "cannot be read", e);
        }
    }

    /** Which of these parents (batches of a page) have any row in the table ({@code <parent>/...} keys). */
    Set<String> parentsWithRows(String table, String tenant, Set<String> parents) {
        try {
            return probe(table).parentsWithRows(dataSource, parents, tenant);
        } catch (SQLException e) {
            throw unavailable(table, "cannot be read", e);
        }
    }

    /** Lookups by primary key that do not depend on the table's statistics (record_key is in collation "C"). */
    private KeyProbe probe(String table) {
        return probes.computeIfAbsent(table, t -> new KeyProbe(t, List.of("tenant"), "record_key", "fingerprint"));
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

    private static void upsert(Connection c, String table, Collection<SinkRow> rows) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(String.format(UPSERT, table))) {
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
        String driver = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("").trim();
        String root = PostgresDatabase.reason(e);
        return new DeliveryStateUnavailableException("the table sink database " + database
                + " cannot be reached (table " + table + ": " + what + "): "
                + (driver.isEmpty() || driver.equals(root) ? root : driver + " (" + root + ")"));
    }
}
