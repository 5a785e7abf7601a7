package org.yofacturoyampi.routes.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.yofacturoyampi.routes.QuartzProperties;

/**
 * Quartz on the cluster's database: the JDBC JobStore ({@link JobStoreTX}, PostgreSQL delegate) with clustering on, as
 * camel-quartz documents it, so that each fire time of each schedule runs on exactly one node, and the schedules of a
 * node that stops checking in are taken over by the others.
 * <ul>
 * <li>instance ids {@code AUTO} (host name and start time): every node distinct, with one configuration;</li>
 * <li>check-in every {@code CLUSTER_CHECKIN_INTERVAL}: a node whose last check-in is older than that interval plus
 * 7.5 s is taken for dead at the next check-in of another node, so its schedules move within
 * 2 x interval + 7.5 s (22.5 s by default); a run it had under way is run again there (the schedules are
 * {@code recoverableJob}), and its next fire times run there too;</li>
 * <li>misfires: a fire time missed by more than {@value #MISFIRE_THRESHOLD_MS} ms (the whole cluster down, every thread
 * busy) runs once as soon as a node can, then the schedule goes on (camel-quartz builds its cron triggers with
 * {@code MISFIRE_INSTRUCTION_FIRE_ONCE_NOW}); not once per missed fire time.</li>
 * </ul>
 * Quartz takes its connections from {@code clusterDataSource} through a {@link ConnectionProvider} registered under a
 * name in Quartz's own connection registry (Quartz looks data sources up by name); no password goes into Quartz's
 * properties.
 */
public final class ClusteredQuartz {

    static final long MISFIRE_THRESHOLD_MS = 60_000;

    private ClusteredQuartz() {
    }

    /** Sets the JobStore properties on the component, over Quartz's defaults and any it has (threads stay). */
    public static void configure(QuartzComponent quartz, DataSource dataSource, ClusterSettings settings) {
        String name = "clusterDataSource-" + Integer.toHexString(System.identityHashCode(dataSource));
        DBConnectionManager.getInstance().addConnectionProvider(name, new Provider(dataSource));
        Map<Object, Object> properties = QuartzProperties.of(quartz);
        properties.put("org.quartz.scheduler.instanceId", "AUTO");
        properties.put("org.quartz.jobStore.class", JobStoreTX.class.getName());
        properties.put("org.quartz.jobStore.driverDelegateClass", PostgreSQLDelegate.class.getName());
        properties.put("org.quartz.jobStore.dataSource", name);
        properties.put("org.quartz.jobStore.tablePrefix", "QRTZ_");
        properties.put("org.quartz.jobStore.isClustered", "true");
        properties.put("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(settings.checkinInterval().toMillis()));
        properties.put("org.quartz.jobStore.misfireThreshold", String.valueOf(MISFIRE_THRESHOLD_MS));
        // trigger acquisition under the database lock, as Quartz advises for clusters
        properties.put("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        quartz.setProperties(properties);
    }


    /** Hands Quartz connections of the pool; the pool is closed by {@link ClusterWiring}, not by Quartz. */
    private record Provider(DataSource dataSource) implements ConnectionProvider {

        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
            // the pool outlives the scheduler
        }

        @Override
        public void initialize() {
            // nothing: the pool is open
        }
    }
}
