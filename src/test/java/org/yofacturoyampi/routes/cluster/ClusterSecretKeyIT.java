package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.support.ClusterSchema;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.TestDatabase;

/** Cluster mode and CLUSTER_SECRET_KEY, on a real PostgreSQL schema. */
@Tag("database")
class ClusterSecretKeyIT {

    @TempDir
    Path work;

    private RunningApp.Builder app(TestDatabase db) {
        return RunningApp.builder(work).clusterDatabase(db);
    }

    @Test
    void clusterModeWithoutTheSecretKeyRefusesToStartNamingIt() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            Throwable failure = catchThrowable(() -> app(db).property("cluster.secret-key", "").start());

            assertThat(configurationError(failure)).isNotNull().hasMessageContaining("CLUSTER_SECRET_KEY")
                    .hasMessageContaining("base64 of 32 random bytes");
        }
    }

    @Test
    void aMalformedSecretKeyRefusesToStartWithoutEchoingIt() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            Throwable failure = catchThrowable(() -> app(db).property("cluster.secret-key", "fake!secret!not-base64").start());

            assertThat(configurationError(failure)).isNotNull().hasMessageContaining("CLUSTER_SECRET_KEY")
                    .hasMessageNotContaining("fake!secret");
        }
    }

    @Test
    void withTheKeyTheOrganisationsSessionLivesInTheDatabase() throws Exception {
        try (TestDatabase db = TestDatabase.create();
                RunningApp app = app(db).property("cluster.secret-key", ClusterSchema.FAKE_SECRET_KEY).start()) {
            assertThat(app.bean(ClusterStores.BEAN, ClusterStores.class).clustered()).isTrue();
            assertThat(app.bean(ClusterStores.READ_LOCKS, Object.class)).isNotNull();
        }
    }

    @Test
    void withoutClusterModeNothingChanges() {
        try (RunningApp app = RunningApp.builder(work).start()) {
            assertThat(app.bean(ClusterStores.BEAN, ClusterStores.class).clustered()).isFalse();
            assertThat(app.bean(ClusterStores.READ_LOCKS, Object.class)).isNull();
            // the read lock the tests give (RunningApp.READ_LOCK, config's with a shorter interval) is not replaced
            assertThat(app.context().resolvePropertyPlaceholders("{{inbound.read-lock}}")).isEqualTo(RunningApp.READ_LOCK);
        }
    }

    static ConfigurationException configurationError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationException wrong) {
                return wrong;
            }
        }
        return null;
    }

}
