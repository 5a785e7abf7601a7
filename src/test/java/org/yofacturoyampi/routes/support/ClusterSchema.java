package org.yofacturoyampi.routes.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.yofacturoyampi.routes.cluster.ClusterSettings;

/**
 * For tests of cluster mode's parts without the app: a test schema migrated as the app does, connections to it, the
 * settings a node would read for it, and a fake key.
 */
public final class ClusterSchema {

    /** An obviously fake CLUSTER_SECRET_KEY: the base64 of 32 ASCII bytes. */
    public static final String FAKE_SECRET_KEY = Base64.getEncoder()
            .encodeToString("fake-cluster-key-32-bytes-long!!".getBytes(StandardCharsets.US_ASCII));

    private ClusterSchema() {
    }

    /** A new test schema, brought up to date from the app's migrations; dropped when closed. */
    public static TestDatabase migrated() {
        TestDatabase db = TestDatabase.create();
        migrate(db);
        return db;
    }

    /** Brings the schema up to date from the app's migrations. */
    public static void migrate(TestDatabase db) {
        Flyway.configure(ClusterSchema.class.getClassLoader()).dataSource(dataSource(db))
                .locations("classpath:db/migration").load().migrate();
    }

    /** What a node reads from its cluster.* settings for this URL and user: a pool of 2, the default node id. */
    public static ClusterSettings settings(String url, String user) {
        return settings(url, user, Map.of());
    }

    /** As {@link #settings(String, String)}, as the node of this cluster.node-id. */
    public static ClusterSettings settings(String url, String user, String nodeId) {
        return settings(url, user, Map.of("cluster.node-id", nodeId));
    }

    private static ClusterSettings settings(String url, String user, Map<String, String> more) {
        PropertiesComponent properties = new DefaultCamelContext().getPropertiesComponent();
        properties.addOverrideProperty("cluster.database-url", url);
        properties.addOverrideProperty("cluster.database-user", user);
        properties.addOverrideProperty("cluster.pool-size", "2");
        properties.addOverrideProperty("cluster.checkin-interval", "PT7.5S");
        more.forEach(properties::addOverrideProperty);
        return ClusterSettings.from(properties);
    }

    /** A new connection source on the schema: one per simulated node. */
    public static DataSource dataSource(TestDatabase db) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(db.url());
        source.setUser(db.user());
        return source;
    }
}
