package org.yofacturoyampi.routes.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.yofacturoyampi.routes.support.TestDatabase;

/** The page lookups against a real PostgreSQL schema, and what they do when a connection the pool lends is broken. */
@Tag("database")
class KeyProbeIT {

    private static final KeyProbe PROBE = new KeyProbe("marks", List.of("tenant"), "k", "v");

    /** Hands out connections; the first {@code broken} of them closed already, as an outage leaves a pooled one. */
    private static final class Connections implements DataSource {
        private final PGSimpleDataSource source = new PGSimpleDataSource();
        private final AtomicInteger lent = new AtomicInteger();
        private final int broken;

        Connections(TestDatabase db, int broken) {
            source.setUrl(db.url());
            source.setUser(db.user());
            this.broken = broken;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = source.getConnection();
            if (lent.incrementAndGet() <= broken) {
                c.close();
            }
            return c;
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }

    private static void givenMarks(TestDatabase db) throws SQLException {
        db.execute("CREATE TABLE marks (tenant varchar NOT NULL, k varchar COLLATE \"C\" NOT NULL, v varchar,"
                + " PRIMARY KEY (tenant, k))");
        db.execute("INSERT INTO marks VALUES ('t', '1', 'a'), ('t', '2/9', 'b'), ('other', '3', 'c')");
    }

    @Test
    void aPageOfKeysGetsTheValuesOfItsTenantsRowsAndTheParentsWithAChild() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            givenMarks(db);
            Connections connections = new Connections(db, 0);

            assertThat(PROBE.values(connections, List.of("1", "2", "3"), "t")).containsOnlyKeys("1").containsEntry("1", "a");
            assertThat(PROBE.parentsWithRows(connections, List.of("1", "2", "3"), "t")).containsExactly("2");
        }
    }

    @Test
    void aLookupThatMeetsABrokenConnectionRunsOnceMoreOnANewOne() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            // given the pool lends one connection the outage broke, then good ones
            givenMarks(db);
            Connections connections = new Connections(db, 1);

            // when a page is looked up
            var values = PROBE.values(connections, List.of("1"), "t");

            // then it is answered, on the second connection
            assertThat(values).containsEntry("1", "a");
            assertThat(connections.lent).hasValue(2);
        }
    }

    @Test
    void aSecondBrokenConnectionOrAnErrorOfTheQueryIsNotTriedAgain() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            givenMarks(db);
            Connections twiceBroken = new Connections(db, 2);
            assertThatThrownBy(() -> PROBE.values(twiceBroken, List.of("1"), "t")).isInstanceOf(SQLException.class);
            assertThat(twiceBroken.lent).hasValue(2);

            Connections good = new Connections(db, 0);
            KeyProbe noSuchTable = new KeyProbe("no_such_table", List.of("tenant"), "k", "v");
            assertThatThrownBy(() -> noSuchTable.values(good, List.of("1"), "t")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("no_such_table");
            assertThat(good.lent).hasValue(1);
        }
    }
}
