package org.yofacturoyampi.routes.cluster;

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
 * The cluster's PostgreSQL: a bounded pool of connections (HikariCP: it checks a connection before handing it out
 * and replaces broken ones, so a node reconnects by itself after the database comes back) and the schema, brought
 * up to date by Flyway from {@code classpath:db/migration} at start. Flyway's lock on the database lets one node
 * migrate while the others starting at the same time wait. A schema newer than this code refuses to start.
 */
public final class ClusterDatabase {

    public static final String MIGRATIONS = "classpath:db/migration";

    private ClusterDatabase() {
    }

    /** Opens the pool and migrates; a database that cannot be reached or used is a {@link ConfigurationException}. */
    public static HikariDataSource open(ClusterSettings settings) {
        HikariDataSource dataSource = connect(settings);
        try {
            migrate(dataSource, settings);
            return dataSource;
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static HikariDataSource connect(ClusterSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("cluster");
        config.setJdbcUrl(settings.databaseUrl());
        if (!settings.user().isEmpty()) {
            config.setUsername(settings.user());
        }
        if (!settings.password().isEmpty()) {
            config.setPassword(settings.password());
        }
        config.setMaximumPoolSize(settings.poolSize());
        // connections are opened when needed, not all at start: several nodes share the server's max_connections
        config.setMinimumIdle(1);
        // a request for a connection while the database is away fails within seconds instead of hanging a route
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.setKeepaliveTime(60_000);
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException | IllegalArgumentException e) {
            throw new ConfigurationException("cannot connect to the cluster database " + settings.databaseUrlForMessages()
                    + ": " + reason(e) + " (check " + ClusterSettings.URL_VARIABLE
                    + ", CLUSTER_DATABASE_USER and CLUSTER_DATABASE_PASSWORD, and that PostgreSQL runs)");
        }
    }

    static void migrate(DataSource dataSource, ClusterSettings settings) {
        Flyway flyway = Flyway.configure(ClusterDatabase.class.getClassLoader())
                .dataSource(dataSource)
                .locations(MIGRATIONS)
                // a migration applied by a newer version of the app is an error, not something to skip
                .ignoreMigrationPatterns("")
                .load();
        try {
            String newer = Arrays.stream(flyway.info().all())
                    .filter(m -> m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED)
                    .map(MigrationInfo::getVersion).map(String::valueOf).collect(Collectors.joining(", "));
            if (!newer.isEmpty()) {
                throw new ConfigurationException("the cluster database " + settings.databaseUrlForMessages()
                        + " has a schema newer than this version of the app (migration " + newer + " unknown here): "
                        + "run the version that upgraded it, or a newer one");
            }
            flyway.migrate();
        } catch (FlywayException e) {
            throw new ConfigurationException("cannot bring the cluster database " + settings.databaseUrlForMessages()
                    + " up to date: " + reason(e));
        }
    }

    /** The first line of the deepest cause: the driver's own words, which name no password. */
    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message).trim();
    }
}
