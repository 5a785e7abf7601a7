package org.yofacturoyampi.routes.cluster;

import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;
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
            JdbcOrphanLockAwareIdempotentRepository locks = readLocks(context, database, read.duration(
                    "cluster.inbound-lock-max-age", Duration.ofNanos(1), "a positive ISO-8601 duration such as PT1S"));
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

    /**
     * camel-sql's repository for the idempotent read lock: a row per file being read, kept alive by its node every
     * sixth of {@code maxAge}; the row of a node that died is taken over once older than {@code maxAge}. The insert
     * does nothing on a conflict, so two nodes claiming one file at the same moment get one row, and one of them the
     * file. The table comes from migration V12, not from the repository.
     */
    static JdbcOrphanLockAwareIdempotentRepository readLocks(CamelContext context, DataSource database,
            Duration maxAge) {
        JdbcOrphanLockAwareIdempotentRepository locks =
                new JdbcOrphanLockAwareIdempotentRepository(database, "inbound", context);
        // the statements name the table themselves: setTableName would put the default statements back
        String table = "yyr_inbound_read_lock";
        locks.setCreateTableIfNotExists(false);
        locks.setTableExistsString("SELECT 1 FROM " + table + " WHERE 1 = 0");
        locks.setQueryString("SELECT COUNT(*) FROM " + table + " WHERE processorName = ? AND messageId = ?");
        locks.setInsertString("INSERT INTO " + table + " (processorName, messageId, createdAt) VALUES (?, ?, ?) "
                + "ON CONFLICT (processorName, messageId) DO NOTHING");
        locks.setDeleteString("DELETE FROM " + table + " WHERE processorName = ? AND messageId = ?");
        locks.setClearString("DELETE FROM " + table + " WHERE processorName = ?");
        locks.setUpdateTimestampQuery("UPDATE " + table + " SET createdAt = ? WHERE processorName = ? AND messageId = ?");
        locks.setLockMaxAgeMillis(maxAge.toMillis());
        locks.setLockKeepAliveIntervalMillis(Math.max(1, maxAge.toMillis() / 6));
        return locks;
    }
}
