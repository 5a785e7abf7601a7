package org.yofacturoyampi.routes.sink;

import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.CamelContextStoppedEvent;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.delivery.DeliveryStates;
import org.yofacturoyampi.routes.tenant.Tenants;

/**
 * The table sink's start: when {@code SINK_DATABASE_URL} is set, opens the database, migrates its tables and, for each
 * record kind {@code SINK_DATABASE_FEEDS} names, makes the tables that kind's downstream and delivery state (bound
 * over whatever {@link DeliveryStates} is bound: it must come after the cluster's wiring and before the feeds').
 * Without the URL only the routes' page-end step is bound, doing nothing.
 */
public final class TableSinkWiring extends MainListenerSupport {

    /** The page-end step the routes call after each page's split. */
    public static final String FLUSH = "tableSinkFlush";
    private static final Logger LOG = LoggerFactory.getLogger(TableSinkWiring.class);
    /** Per record kind: the property of its downstream. */
    private static final Map<String, String> DOWNSTREAMS = Map.of(
            SinkTables.INVOICE_BATCHES, "yofacturo.invoice-batches-to",
            SinkTables.BATCH_INVOICES, "yofacturo.batch-invoices-to",
            SinkTables.YAMPI, "yampi.to");

    /** The downstreams of the kinds that go into tables, each a direct: route calling its {@link TableSinkRow}. */
    private final Map<String, TableSinkRow> rows = new LinkedHashMap<>();

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        Registry registry = context.getRegistry();
        SinkSettings settings = SinkSettings.from(context.getPropertiesComponent());
        if (!settings.enabled()) {
            registry.bind(FLUSH, (Processor) exchange -> { });
            return;
        }
        HikariDataSource dataSource = SinkDatabase.open(settings);
        context.getManagementStrategy().addEventNotifier(new ClosePool(dataSource));
        SinkWriter writer = new SinkWriter(dataSource, settings.urlForMessages());
        PageRows pageRows = new PageRows();
        SinkRefusals refusals = new SinkRefusals();
        registry.bind(FLUSH, new TableSinkFlush(pageRows, writer, refusals,
                settings.sinks(SinkTables.INVOICE_BATCHES) && settings.sinks(SinkTables.BATCH_INVOICES)));
        DeliveryStates usual = DeliveryStates.in(registry);
        registry.unbind(DeliveryStates.NAME); // one binding of the name: the cluster's, if any, is in 'usual'
        DeliveryStates tables = (tenant, feed, file) -> settings.sinks(feed)
                ? new TableDeliveryState(usual.create(tenant, feed, file), writer, pageRows, refusals, tenant, feed)
                : usual.create(tenant, feed, file);
        registry.bind(DeliveryStates.NAME, DeliveryStates.class, tables);
        PropertiesComponent properties = context.getPropertiesComponent();
        for (String feed : settings.feeds()) {
            String property = DOWNSTREAMS.get(feed);
            String uri = uri(feed);
            rows.put(uri, new TableSinkRow(feed, writer));
            properties.addOverrideProperty(property, uri);
            // an environment variable wins over an override: one set for this feed would send it elsewhere
            if (!uri.equals(properties.resolveProperty(property).orElse(""))) {
                throw new ConfigurationException(SinkSettings.URL_VARIABLE + " sends " + feed
                        + " records to tables, and " + Tenants.environmentVariable(property)
                        + " sends them elsewhere: unset one of them, or leave "
                        + feed + " out of " + SinkSettings.FEEDS_VARIABLE);
            }
        }
        LOG.info("Table sink: {} records into tables of {}", String.join(", ", settings.feeds()),
                settings.urlForMessages());
    }

    /**
     * The downstreams: a direct: route per kind of record calling its row stash, a plain processor (a bean: endpoint
     * would bind a method per record). No error handler: a failure goes back to the delivery, which leaves the record
     * pending and says so.
     */
    @Override
    public void afterConfigure(BaseMainSupport main) {
        if (rows.isEmpty()) {
            return;
        }
        try {
            main.getCamelContext().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    rows.forEach((uri, row) -> from(uri).routeId(uri.substring("direct:".length()))
                            .errorHandler(noErrorHandler()).process(row));
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the table sink's routes: " + e.getMessage(), e);
        }
    }

    private static String uri(String feed) {
        return "direct:table-sink-" + feed;
    }

    /** Once everything stopped (the last pages written), the pool closes. */
    private static final class ClosePool extends SimpleEventNotifierSupport {

        private final HikariDataSource dataSource;

        ClosePool(HikariDataSource dataSource) {
            this.dataSource = dataSource;
            // the context's own events only: an exchange, step or route event for every record costs CPU for nothing
            setIgnoreExchangeEvents(true);
            setIgnoreStepEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
        }

        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelContextStoppedEvent) {
                dataSource.close();
            }
        }
    }
}
