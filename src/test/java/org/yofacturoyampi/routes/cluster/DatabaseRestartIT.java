package org.yofacturoyampi.routes.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Tag;
import org.yofacturoyampi.routes.support.PrivatePostgres;

/** The cluster's PostgreSQL server itself is stopped while a node runs, then started again (a server of the test's own). */
@Tag("database")
@Tag("processes")
class DatabaseRestartIT extends DatabaseLossScenario {

    @Override
    protected Outage outage() throws Exception {
        return new ServerRestart(PrivatePostgres.start());
    }

    /** A private server, stopped (fast shutdown: every session ended) and started again on the same port and data. */
    private static final class ServerRestart implements Outage {

        private static final String USER = "postgres";

        private final PrivatePostgres server;

        ServerRestart(PrivatePostgres server) {
            this.server = server;
        }

        @Override
        public String url() {
            return server.url();
        }

        @Override
        public String user() {
            return USER;
        }

        @Override
        public void begin() throws Exception {
            server.stop();
        }

        @Override
        public void end() throws Exception {
            server.startServer();
        }

        @Override
        public long marks() throws Exception {
            try (Connection c = DriverManager.getConnection(server.url(), USER, "");
                    Statement s = c.createStatement();
                    ResultSet row = s.executeQuery("SELECT count(*) FROM delivery_state")) {
                row.next();
                return row.getLong(1);
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }
}
