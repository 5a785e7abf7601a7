package org.yofacturoyampi.routes.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/** For tests of the cluster stores without the app: a test schema migrated as the app does, and a fake key. */
public final class ClusterSchema {

    /** An obviously fake CLUSTER_SECRET_KEY: the base64 of 32 ASCII bytes. */
    public static final String FAKE_SECRET_KEY = Base64.getEncoder()
            .encodeToString("fake-cluster-key-32-bytes-long!!".getBytes(StandardCharsets.US_ASCII));

    private ClusterSchema() {
    }

    /** Brings the schema up to date from the app's migrations. */
    public static void migrate(TestDatabase db) {
        Flyway.configure(ClusterSchema.class.getClassLoader()).dataSource(dataSource(db))
                .locations("classpath:db/migration").load().migrate();
    }

    /** A new connection source on the schema: one per simulated node. */
    public static DataSource dataSource(TestDatabase db) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(db.url());
        source.setUser(db.user());
        return source;
    }
}
