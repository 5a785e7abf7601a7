package org.yofacturoyampi.routes.sink;

import com.zaxxer.hikari.HikariDataSource;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.database.PostgresDatabase;

/**
 * The table sink's PostgreSQL ({@link PostgresDatabase}): its tables come from the migrations in
 * {@code classpath:db/sink}, recorded in a history table of their own, so the sink may share a database (and schema)
 * with the cluster mode, or live in another one.
 */
final class SinkDatabase {

    static final String MIGRATIONS = "classpath:db/sink";
    static final String HISTORY_TABLE = "yyr_sink_schema_history";

    private SinkDatabase() {
    }

    /** Opens the pool and migrates; a database that cannot be reached or used is a {@link ConfigurationException}. */
    static HikariDataSource open(SinkSettings settings) {
        return PostgresDatabase.open(settings.target());
    }
}
