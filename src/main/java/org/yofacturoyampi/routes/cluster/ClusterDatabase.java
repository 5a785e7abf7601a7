package org.yofacturoyampi.routes.cluster;

import com.zaxxer.hikari.HikariDataSource;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.database.PostgresDatabase;

/**
 * The cluster's PostgreSQL ({@link PostgresDatabase}): a bounded pool of connections and the schema, brought up to date
 * by Flyway from {@code classpath:db/migration} at start. A schema newer than this code refuses to start.
 */
public final class ClusterDatabase {

    public static final String MIGRATIONS = "classpath:db/migration";

    private ClusterDatabase() {
    }

    /** Opens the pool and migrates; a database that cannot be reached or used is a {@link ConfigurationException}. */
    public static HikariDataSource open(ClusterSettings settings) {
        return PostgresDatabase.open(new PostgresDatabase.Target("the cluster database", "cluster",
                settings.databaseUrl(), settings.databaseUrlForMessages(), settings.user(), settings.password(),
                settings.poolSize(), MIGRATIONS, null, "check " + ClusterSettings.URL_VARIABLE
                        + ", CLUSTER_DATABASE_USER and CLUSTER_DATABASE_PASSWORD, and that PostgreSQL runs"));
    }
}
