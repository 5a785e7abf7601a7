package org.yofacturoyampi.routes.cluster;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode's start: reads the {@code cluster.*} settings (bound as {@value #SETTINGS}) and, when
 * {@code CLUSTER_DATABASE_URL} is set, opens the database, migrates it and binds it as {@value #DATA_SOURCE} for the
 * wirings that follow (it must be the first listener). Without the URL nothing is bound and nothing changes.
 */
public final class ClusterWiring extends MainListenerSupport {

    public static final String DATA_SOURCE = "clusterDataSource";
    public static final String SETTINGS = "clusterSettings";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWiring.class);

    private HikariDataSource dataSource;

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
        LOG.info("Cluster mode: node {} on {}", settings.nodeId(), settings.databaseUrlForMessages());
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        if (dataSource != null) {
            dataSource.close();
            dataSource = null;
        }
    }
}
