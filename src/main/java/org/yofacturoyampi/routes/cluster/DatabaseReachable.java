package org.yofacturoyampi.routes.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;

import javax.sql.DataSource;

/**
 * For readiness: null while the cluster's database answers, else why not (the URL without its parameters, never a
 * password). A node without its database cannot schedule, check or mark anything.
 */
final class DatabaseReachable implements Supplier<String> {

    private static final int VALID_WITHIN_SECONDS = 2;

    private final DataSource dataSource;
    private final ClusterSettings settings;

    DatabaseReachable(DataSource dataSource, ClusterSettings settings) {
        this.dataSource = dataSource;
        this.settings = settings;
    }

    @Override
    public String get() {
        try (Connection c = dataSource.getConnection()) {
            if (c.isValid(VALID_WITHIN_SECONDS)) {
                return null;
            }
            return unreachable("no answer within " + VALID_WITHIN_SECONDS + " s");
        } catch (SQLException e) {
            return unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private String unreachable(String reason) {
        return "the cluster database " + settings.databaseUrlForMessages() + " cannot be reached (" + reason
                + "): no feed can run on this node until it is back (check " + ClusterSettings.URL_VARIABLE + ")";
    }
}
