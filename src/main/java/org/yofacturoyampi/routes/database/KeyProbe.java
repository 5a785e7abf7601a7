package org.yofacturoyampi.routes.database;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.sql.DataSource;

/**
 * Lookups by primary key in one of our tables whose key is {@code (scope columns..., key column)}, for a whole page of
 * keys in one query, shaped so that they never depend on the table's statistics:
 * <ul>
 *   <li>the values of these keys: one index probe per key ({@code unnest(keys) CROSS JOIN LATERAL (... LIMIT 1)}),
 *       never {@code key = ANY (?)}, which PostgreSQL answers by reading every row of the scope when the statistics
 *       lag behind a table's growth (autovacuum off or behind, a table that was empty at the last ANALYZE);</li>
 *   <li>which of these parents have a child key ({@code <parent>/...}): a prefix range on the primary key, '/' then
 *       '0' in byte order, which needs the key column in collation "C".</li>
 * </ul>
 */
public final class KeyProbe {

    private final String select;
    private final String parents;

    /**
     * @param scopeColumns the leading columns of the primary key, bound in this order to the {@code scope} arguments
     */
    public KeyProbe(String table, List<String> scopeColumns, String keyColumn, String valueColumn) {
        String scope = scopeColumns.stream().map(c -> c + " = ? AND ").collect(Collectors.joining());
        this.select = "SELECT d." + keyColumn + ", d." + valueColumn + " FROM unnest(?::varchar[]) AS r(k)"
                + " CROSS JOIN LATERAL (SELECT " + keyColumn + ", " + valueColumn + " FROM " + table
                + " WHERE " + scope + keyColumn + " = r.k LIMIT 1) d";
        this.parents = "SELECT p.k FROM unnest(?::varchar[]) AS p(k)"
                + " CROSS JOIN LATERAL (SELECT 1 FROM " + table + " WHERE " + scope
                + keyColumn + " >= p.k || '/' AND " + keyColumn + " < p.k || '0' LIMIT 1) d";
    }

    /** The value held under each of these keys that has a row. */
    public Map<String, String> values(DataSource dataSource, Collection<String> keys, String... scope)
            throws SQLException {
        Map<String, String> found = new HashMap<>();
        query(dataSource, select, keys, scope, rows -> found.put(rows.getString(1), rows.getString(2)));
        return found;
    }

    /** Which of these parents have any row keyed {@code <parent>/...}. */
    public Set<String> parentsWithRows(DataSource dataSource, Collection<String> parentKeys, String... scope)
            throws SQLException {
        Set<String> found = new HashSet<>();
        query(dataSource, parents, parentKeys, scope, rows -> found.add(rows.getString(1)));
        return found;
    }

    /** The query {@link #values} sends: its first parameter the keys, then the scope. */
    public String selectSql() {
        return select;
    }

    /** The query {@link #parentsWithRows} sends: its first parameter the parents, then the scope. */
    public String parentsSql() {
        return parents;
    }

    private interface RowReader {
        void read(ResultSet rows) throws SQLException;
    }

    /**
     * Runs the query; once more on a new connection if the first one was broken (SQLState class 08): after the
     * database came back, a pooled connection that the outage broke fails once, and the pool drops it.
     */
    private static void query(DataSource dataSource, String sql, Collection<String> keys, String[] scope,
            RowReader reader) throws SQLException {
        try {
            queryOnce(dataSource, sql, keys, scope, reader);
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("08")) {
                throw e;
            }
            queryOnce(dataSource, sql, keys, scope, reader);
        }
    }

    private static void queryOnce(DataSource dataSource, String sql, Collection<String> keys, String[] scope,
            RowReader reader) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            Array ids = c.createArrayOf("varchar", keys.toArray());
            s.setArray(1, ids);
            for (int i = 0; i < scope.length; i++) {
                s.setString(i + 2, scope[i]);
            }
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    reader.read(rows);
                }
            }
            ids.free();
        }
    }
}
