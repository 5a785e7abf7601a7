package org.yofacturoyampi.routes.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL schema of its own for one test: {@code t_<random>} in the database {@code test} at 127.0.0.1:5432 (or
 * {@code TEST_DATABASE_URL}), as user {@code postgres} (or {@code TEST_DATABASE_USER}), dropped by {@link #close()}.
 * Its {@link #url()} makes it the connection's current schema, so tables made through it land there and two runs never
 * see each other's rows.
 * <p>
 * Without a reachable PostgreSQL the test is skipped, saying why; with {@code CLUSTER_TESTS_REQUIRED=true} (system
 * property or environment, as {@code .ci/run} sets it) it fails instead.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String REQUIRED = "CLUSTER_TESTS_REQUIRED";

    private final String baseUrl;
    private final String user;
    private final String schema;

    private TestDatabase(String baseUrl, String user, String schema) {
        this.baseUrl = baseUrl;
        this.user = user;
        this.schema = schema;
    }

    /** A new empty schema; skips (or fails, when required) the calling test without PostgreSQL. */
    public static TestDatabase create() {
        String baseUrl = setting("TEST_DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = setting("TEST_DATABASE_USER", "postgres");
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(baseUrl + "?connectTimeout=5", user, "");
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String reason = "PostgreSQL is not reachable at " + baseUrl + " as " + user + " (" + e.getMessage()
                    + "): cluster tests need it (start it: pg_ctlcluster --skip-systemctl-redirect "
                    + "$(ls /etc/postgresql) main start)";
            if (Boolean.parseBoolean(setting(REQUIRED, "false"))) {
                Assertions.fail(reason + "; " + REQUIRED + "=true makes this a failure");
            }
            Assumptions.abort(reason + "; skipped (" + REQUIRED + "=true makes this a failure)");
        }
        return new TestDatabase(baseUrl, user, schema);
    }

    /** A JDBC URL whose connections use this schema. */
    public String url() {
        return baseUrl + "?currentSchema=" + schema;
    }

    /** As {@link #url()}, through a proxy on this port of 127.0.0.1 (see {@link TcpProxy}). */
    public String urlThrough(int port) {
        return url().replaceFirst("//[^/]+/", "//127.0.0.1:" + port + "/");
    }

    /** The server's host and port, for a {@link TcpProxy} to it. */
    public java.net.URI server() {
        return java.net.URI.create(baseUrl.substring("jdbc:".length()));
    }

    public String user() {
        return user;
    }

    public String schema() {
        return schema;
    }

    /** A connection to this schema, for the test to look at rows. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user, "");
    }

    /** Runs one statement in this schema. */
    public void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The number the query counts (its first column of its first row). */
    public long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); var rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(baseUrl, user, ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static String setting(String name, String fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
