package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.support.NodeProcess;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.TestDatabase;

@Tag("database")
@Tag("processes")
class ClusterDatabaseIT {

    @TempDir
    Path work;

    private RunningApp.Builder app(String url) {
        return RunningApp.builder(work).clusterDatabase(url, "postgres");
    }

    @Test
    void withoutADatabaseUrlNothingOfTheClusterIsMade() {
        try (RunningApp app = RunningApp.builder(work).start()) {
            assertThat(app.bean(ClusterWiring.DATA_SOURCE, DataSource.class)).isNull();
            assertThat(app.bean(ClusterWiring.SETTINGS, ClusterSettings.class).enabled()).isFalse();
        }
    }

    @Test
    void aNewDatabaseGetsItsSchemaAtStartQuartzTablesFromQuartzsOwnDdl() throws Exception {
        try (TestDatabase db = TestDatabase.create(); RunningApp app = app(db.url()).start()) {
            assertThat(app.bean(ClusterWiring.DATA_SOURCE, DataSource.class)).isNotNull();
            assertThat(db.count("SELECT count(*) FROM flyway_schema_history WHERE version = '1' AND success")).isEqualTo(1);
            // the tables of tables_postgres.sql, in this schema
            assertThat(db.count("SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + db.schema()
                    + "' AND table_name LIKE 'qrtz_%'")).isEqualTo(11);
        }
    }

    @Test
    void aSecondStartOnTheSameDatabaseMigratesNothingAgain() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            app(db.url()).start().close();
            long applied = db.count("SELECT count(*) FROM flyway_schema_history");

            try (RunningApp again = app(db.url()).start()) {
                assertThat(db.count("SELECT count(*) FROM flyway_schema_history")).isEqualTo(applied);
            }
        }
    }

    @Test
    void anUnreachableDatabaseStopsStartUpNamingTheVariableButNotThePassword() {
        // given nothing listens on port 1
        Throwable failure = catchThrowable(() -> app("jdbc:postgresql://127.0.0.1:1/test?connectTimeout=2")
                .property("cluster.database-password", "fake-password-never-shown").start());

        ConfigurationException error = configurationError(failure);
        assertThat(error).isNotNull();
        assertThat(error.getMessage()).contains("CLUSTER_DATABASE_URL").contains("jdbc:postgresql://127.0.0.1:1/test")
                .doesNotContain("fake-password-never-shown").doesNotContain("connectTimeout");
    }

    @Test
    void theProcessStartedWithAnUnreachableDatabaseSaysSoInOneLineAndExits2() throws Exception {
        NodeProcess node = NodeProcess.start("unreachable", work.resolve("node"), Map.of(
                "cluster.database-url", "jdbc:postgresql://127.0.0.1:1/test",
                "cluster.database-user", "postgres",
                "cluster.database-password", "fake-password-never-shown"));
        try {
            assertThat(node.exitStatus(Duration.ofSeconds(120))).isEqualTo(2);
            String output = String.join("\n", node.logLines());
            assertThat(output).contains("configuration error: cannot connect to the cluster database "
                    + "jdbc:postgresql://127.0.0.1:1/test").contains("CLUSTER_DATABASE_URL")
                    .doesNotContain("fake-password-never-shown").doesNotContain("\tat ");
        } finally {
            node.kill();
        }
    }

    @Test
    void aUrlThatIsNotPostgresIsAConfigurationError() {
        Throwable failure = catchThrowable(() -> app("jdbc:mysql://db/x").start());

        assertThat(configurationError(failure)).hasMessageContaining("CLUSTER_DATABASE_URL must be a PostgreSQL JDBC URL");
    }

    @Test
    void aSchemaNewerThanTheCodeRefusesToStart() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            app(db.url()).start().close();
            // given a later version of the app applied migration 999
            db.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, execution_time, success) VALUES (999, '999', 'from the future', 'SQL',"
                    + " 'V999__from_the_future.sql', 0, 'postgres', 1, true)");

            Throwable failure = catchThrowable(() -> app(db.url()).start());

            assertThat(configurationError(failure)).hasMessageContaining("schema newer than this version of the app")
                    .hasMessageContaining("999");
        }
    }

    private static ConfigurationException configurationError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationException wrong) {
                return wrong;
            }
        }
        return null;
    }
}
