package org.yofacturoyampi.routes.cluster;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.CamelContextStoppedEvent;
import org.apache.camel.spi.CamelEvent.CamelContextStoppingEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.delivery.DeliveryStates;
import org.yofacturoyampi.routes.health.CredentialHealth;
import org.yofacturoyampi.routes.trigger.FeedRuns;

/**
 * Cluster mode's start: reads the {@code cluster.*} settings (bound as {@value #SETTINGS}) and, when
 * {@code CLUSTER_DATABASE_URL} is set, opens the database, migrates it and binds it as {@value #DATA_SOURCE} for the
 * wirings that follow (it must be the first listener), with the delivery state in the database ({@link DeliveryStates}).
 * Without the URL nothing is bound and nothing changes.
 */
public final class ClusterWiring extends MainListenerSupport {

    public static final String DATA_SOURCE = "clusterDataSource";
    public static final String SETTINGS = "clusterSettings";
    /** How often a run waiting for a run of the same feed on another node looks again. */
    static final Duration FEED_LOCK_RETRY = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWiring.class);

    private HikariDataSource dataSource;
    private DeliveryMarkWriter marks;

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        ClusterSettings settings = ClusterSettings.from(context.getPropertiesComponent());
        context.getRegistry().bind(SETTINGS, settings);
        if (!settings.enabled()) {
            return;
        }
        dataSource = ClusterDatabase.open(settings);
        context.getRegistry().bind(DATA_SOURCE, dataSource);
        HikariDataSource database = dataSource;
        DeliveryMarkWriter writer = new DeliveryMarkWriter(database);
        marks = writer;
        try {
            context.addService(writer); // stopped before the pool closes: what is queued is written first
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the delivery mark writer: " + e.getMessage(), e);
        }
        context.getRegistry().bind(DeliveryStates.NAME,
                (DeliveryStates) (tenant, feed, file) -> new DatabaseDeliveryState(database, writer, tenant, feed));
        context.getManagementStrategy().addEventNotifier(new Lifecycle(dataSource));
        LOG.info("Cluster mode: node {} on {}", settings.nodeId(), settings.databaseUrlForMessages());
    }

    /**
     * Quartz on the database, before the scheduler is made (the endpoints are created after this); every run of a feed
     * takes its lock across the nodes and says which node ran it; metrics are tagged with the node; readiness is DOWN
     * while the database cannot be reached.
     */
    @Override
    public void afterConfigure(BaseMainSupport main) {
        if (dataSource != null) {
            CamelContext context = main.getCamelContext();
            ClusterSettings settings = context.getRegistry().lookupByNameAndType(SETTINGS, ClusterSettings.class);
            ClusteredQuartz.configure(context.getComponent("quartz", QuartzComponent.class), dataSource, settings);
            tagMetricsWithNode(context, settings.nodeId());
            HealthCheckRegistry.get(context).register(new CredentialHealth("cluster-database",
                    new DatabaseReachable(dataSource, settings)));
            FeedRuns feeds = context.getRegistry().lookupByNameAndType("feedRuns", FeedRuns.class);
            if (feeds != null) {
                feeds.inCluster(settings.nodeId(),
                        new AdvisoryFeedLock(settings, FEED_LOCK_RETRY, marks::flushAtRunEnd));
            }
        }
    }

    /** Every metric carries the tag node=CLUSTER_NODE_ID (Micrometer's common tags, set before the meters are made). */
    private static void tagMetricsWithNode(CamelContext context, String nodeId) {
        MeterRegistry meters = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (meters != null) {
            meters.config().commonTags("node", nodeId);
        }
    }

    /**
     * When the node stops: first no more fire times for it (Quartz standby; those fired while its routes stop would find
     * no route, and the other nodes take them instead), and once everything stopped, the pool closes.
     */
    private static final class Lifecycle extends SimpleEventNotifierSupport {

        private final HikariDataSource dataSource;

        Lifecycle(HikariDataSource dataSource) {
            this.dataSource = dataSource;
            // the context's own events only: an exchange, step or route event for every record costs CPU for nothing
            setIgnoreExchangeEvents(true);
            setIgnoreStepEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
        }

        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelContextStoppingEvent stopping
                    && stopping.getContext().hasComponent("quartz") instanceof QuartzComponent quartz
                    && quartz.getScheduler() != null) {
                try {
                    quartz.getScheduler().standby();
                } catch (SchedulerException e) {
                    LOG.warn("Cluster mode: the scheduler could not be put in standby before stopping: {}", e.getMessage());
                }
            } else if (event instanceof CamelContextStoppedEvent) {
                dataSource.close();
            }
        }
    }
}
