package org.yofacturoyampi.routes.benchmark;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh PostgreSQL schema for one cluster round ({@code bench_<random>} in the database {@code test} at
 * 127.0.0.1:5432, user {@code postgres}, trust auth, as the cluster tests use), dropped by {@link #close()}: every
 * round starts from an empty delivery state, as a round of the embedded default starts from an empty state folder.
 */
final class BenchSchema implements AutoCloseable {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String USER = "postgres";

    private final String name;

    private BenchSchema(String name) {
        this.name = name;
    }

    /** Why cluster rounds cannot run here (PostgreSQL not reachable), or null when they can. */
    static String unavailable() {
        try (Connection c = DriverManager.getConnection(SERVER + "?connectTimeout=5", USER, "")) {
            return null;
        } catch (SQLException e) {
            return "PostgreSQL is not reachable at " + SERVER + " as " + USER + " (" + e.getMessage() + ")";
        }
    }

    static BenchSchema create() throws SQLException {
        String name = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
                .toLowerCase(Locale.ROOT);
        execute("CREATE SCHEMA " + name);
        return new BenchSchema(name);
    }

    /** The JDBC URL whose connections use this schema: the round's {@code cluster.database-url}. */
    String url() {
        return SERVER + "?currentSchema=" + name;
    }

    @Override
    public void close() throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER, USER, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
