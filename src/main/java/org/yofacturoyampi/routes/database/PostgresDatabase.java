package org.yofacturoyampi.routes.database;

import java.util.Arrays;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.yofacturoyampi.routes.ConfigurationException;

/**
 * A PostgreSQL database the app keeps tables in (the cluster's, the table sink's): a bounded pool of connections
 * (HikariCP: it checks a connection before handing it out and replaces broken ones, so the app reconnects by itself
 * after the database comes back) and a schema brought up to date by Flyway from the target's migrations at start, with
 * a history table of its own (two targets may share one database). Flyway's lock on the database lets one node migrate
 * while the others starting at the same time wait. A schema newer than this code refuses to start.
 */
public final class PostgresDatabase {

    private PostgresDatabase() {
    }

    /**
     * @param what         the database in messages ("the cluster database")
     * @param pool         HikariCP's pool name
     * @param historyTable Flyway's history table; null for Flyway's default
     * @param check        what to check when it cannot be reached ("check CLUSTER_DATABASE_URL, ...")
     */
    public record Target(String what, String pool, String url, String urlForMessages, String user, String password,
            int poolSize, String migrations, String historyTable, String check) {

        @Override
        public String toString() {
            return what + " " + urlForMessages; // never the password
        }
    }

    /** Opens the pool and migrates; a database that cannot be reached or used is a {@link ConfigurationException}. */
    public static HikariDataSource open(Target target) {
        HikariDataSource dataSource = connect(target);
        try {
            migrate(dataSource, target);
            return dataSource;
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static HikariDataSource connect(Target target) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(target.pool());
        config.setJdbcUrl(target.url());
        if (!target.user().isEmpty()) {
            config.setUsername(target.user());
        }
        if (!target.password().isEmpty()) {
            config.setPassword(target.password());
        }
        config.setMaximumPoolSize(target.poolSize());
        // connections are opened when needed, not all at start: several nodes share the server's max_connections
        config.setMinimumIdle(1);
        // a request for a connection while the database is away fails within seconds instead of hanging a route
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.setKeepaliveTime(60_000);
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException | IllegalArgumentException e) {
            throw new ConfigurationException("cannot connect to " + target.what() + " " + target.urlForMessages()
                    + ": " + reason(e) + " (" + target.check() + ")");
        }
    }

    public static void migrate(DataSource dataSource, Target target) {
        var configuration = Flyway.configure(PostgresDatabase.class.getClassLoader())
                .dataSource(dataSource)
                .locations(target.migrations())
                // a migration applied by a newer version of the app is an error, not something to skip
                .ignoreMigrationPatterns("")
                // the first migration of a target in a schema that holds another's tables (the cluster's and the table
                // sink's may share one): Flyway would refuse a non-empty schema without its history table
                .baselineOnMigrate(true)
                .baselineVersion("0");
        if (target.historyTable() != null) {
            configuration = configuration.table(target.historyTable());
        }
        Flyway flyway = configuration.load();
        try {
            String newer = Arrays.stream(flyway.info().all())
                    .filter(m -> m.getState() == MigrationState.FUTURE_SUCCESS
                            || m.getState() == MigrationState.FUTURE_FAILED)
                    .map(MigrationInfo::getVersion).map(String::valueOf).collect(Collectors.joining(", "));
            if (!newer.isEmpty()) {
                throw new ConfigurationException(target.what() + " " + target.urlForMessages()
                        + " has a schema newer than this version of the app (migration " + newer + " unknown here): "
                        + "run the version that upgraded it, or a newer one");
            }
            flyway.migrate();
        } catch (FlywayException e) {
            throw new ConfigurationException("cannot bring " + target.what() + " " + target.urlForMessages()
                    + " up to date: " + reason(e));
        }
    }

    /** The first line of the deepest cause: the driver's own words, which name no password. */
    public static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message).trim();
    }

    /** The URL without its parameters (which may hold a password), for messages. */
    public static String withoutParameters(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
