package org.yofacturoyampi.routes.cluster;

import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.yofacturoyampi.routes.Settings;
import org.yofacturoyampi.routes.http.RateLimitStore;
import org.yofacturoyampi.routes.yofacturo.InMemorySessionStore;
import org.yofacturoyampi.routes.yofacturo.SessionStore;

/**
 * Where the wirings get each tenant's session store and rate-limit store: in this process without a cluster, in
 * PostgreSQL when {@link ClusterWiring} bound the cluster's database. In cluster mode it also puts the inbound folders
 * on Camel's idempotent read lock over the database ({@code inbound.cluster-read-lock}, bean {@value #READ_LOCKS}), and
 * refuses to start without a valid {@code CLUSTER_SECRET_KEY}.
 */
public final class ClusterStores {

    public static final String BEAN = "clusterStores";
    public static final String READ_LOCKS = "inboundReadLocks";

    private final DataSource database;
    private final SessionCipher cipher;
    private final String nodeId;
    private final Duration rateLimitRefresh;

    private ClusterStores(DataSource database, SessionCipher cipher, String nodeId, Duration rateLimitRefresh) {
        this.database = database;
        this.cipher = cipher;
        this.nodeId = nodeId;
        this.rateLimitRefresh = rateLimitRefresh;
    }

    /** The stores of this run, made once (the first wiring to ask makes them, the others find them). */
    public static ClusterStores of(CamelContext context) {
        ClusterStores made = context.getRegistry().lookupByNameAndType(BEAN, ClusterStores.class);
        if (made != null) {
            return made;
        }
        DataSource database = context.getRegistry().lookupByNameAndType(ClusterWiring.DATA_SOURCE, DataSource.class);
        ClusterSettings settings = context.getRegistry().lookupByNameAndType(ClusterWiring.SETTINGS, ClusterSettings.class);
        if (database == null || settings == null) {
            made = new ClusterStores(null, null, null, Duration.ZERO);
        } else {
            PropertiesComponent properties = context.getPropertiesComponent();
            Settings read = Settings.of(properties);
            made = new ClusterStores(database, SessionCipher.fromSetting(settings.secretKey()), settings.nodeId(),
                    read.duration("cluster.rate-limit-refresh", Duration.ZERO, "an ISO-8601 duration such as PT1S"));
            InboundReadLocks locks = new InboundReadLocks(database, settings.nodeId(), read.duration(
                    "cluster.inbound-lock-max-age", Duration.ofNanos(1), "a positive ISO-8601 duration such as PT1S"),
                    context);
            context.getRegistry().bind(READ_LOCKS, locks);
            try {
                context.addService(locks); // started and stopped with Camel: its keep-alive runs while it runs
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the inbound read locks: " + e.getMessage(), e);
            }
            properties.addOverrideProperty("inbound.read-lock",
                    read.text("inbound.cluster-read-lock"));
        }
        context.getRegistry().bind(BEAN, made);
        return made;
    }

    public boolean clustered() {
        return database != null;
    }

    /** Where this YoFacturo organisation's session lives. */
    public SessionStore sessions(String tenant) {
        return clustered() ? new PostgresSessionStore(database, cipher, tenant, nodeId) : new InMemorySessionStore();
    }

    /** Where the 429 wait of this API ({@code yofacturo}, {@code yampi}) and tenant is shared. */
    public RateLimitStore rateLimit(String api, String tenant) {
        return clustered() ? new PostgresRateLimitStore(database, api, tenant, rateLimitRefresh, Clock.systemUTC())
                : RateLimitStore.none();
    }
}
