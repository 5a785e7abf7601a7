package org.yofacturoyampi.routes.app;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.yofacturoyampi.routes.ConfigurationException;
import org.apache.camel.Processor;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.delivery.DeadLetterEnvelope;
import org.yofacturoyampi.routes.delivery.DeliveryFailureLog;
import org.yofacturoyampi.routes.delivery.DeliveryStateRepository;
import org.yofacturoyampi.routes.delivery.InboundFailureLog;
import org.yofacturoyampi.routes.health.CredentialHealth;
import org.yofacturoyampi.routes.delivery.PollFailureLog;
import org.yofacturoyampi.routes.delivery.RecordKey;
import org.yofacturoyampi.routes.paging.PageReader;
import org.yofacturoyampi.routes.trigger.FeedRuns;
import org.yofacturoyampi.routes.trigger.SyncTriggers;
import org.yofacturoyampi.routes.paging.PagingRule;
import org.yofacturoyampi.routes.http.RateLimitGate;
import org.yofacturoyampi.routes.metrics.FeedMetrics;
import org.yofacturoyampi.routes.yofacturo.BearerHeader;
import org.yofacturoyampi.routes.yofacturo.CamelSessionIssuer;
import org.yofacturoyampi.routes.yofacturo.InvoiceAlerts;
import org.yofacturoyampi.routes.yofacturo.InvoiceBatchSubmissions;
import org.yofacturoyampi.routes.yofacturo.ReauthenticateOnRetry;
import org.yofacturoyampi.routes.yofacturo.SessionRequestBody;
import org.yofacturoyampi.routes.yofacturo.SessionTokenCache;
import org.yofacturoyampi.routes.yofacturo.YoFacturoCredentials;

/**
 * Binds the beans the route files name (token cache, page readers, delivery state) and switches off the feeds whose
 * credentials are not configured, saying once which variable to set.
 */
final class RuntimeWiring extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeWiring.class);

    private final FeedRuns feeds;
    private final FeedMetrics metrics;
    private YoFacturoCredentials yofacturo;

    RuntimeWiring(FeedRuns feeds, FeedMetrics metrics) {
        this.feeds = feeds;
        this.metrics = metrics;
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        Registry registry = context.getRegistry();
        ObjectMapper json = new ObjectMapper();
        SettingsCheck.check(context.getPropertiesComponent());
        Path stateDir = Path.of(property(context, "state-dir"));

        registry.bind("feedRuns", feeds);
        registry.bind("syncTriggers", new SyncTriggers(context.createProducerTemplate(), json));
        registry.bind("recordKey", new RecordKey());
        registry.bind("inboundFailures", new InboundFailureLog());
        registry.bind("yofacturoSubmissions", new InvoiceBatchSubmissions(json));
        registry.bind("yofacturoInvoiceAlerts", new InvoiceAlerts(json,
                property(context, "yofacturo.alerts.processing-statuses"),
                property(context, "yofacturo.alerts.verifactu-states")));
        registry.bind("pollFailures", new PollFailureLog());
        registry.bind("deliveryFailures", new DeliveryFailureLog());
        registry.bind("deadLetterEnvelope", new DeadLetterEnvelope(json));

        yofacturo = new YoFacturoCredentials(property(context, "yofacturo.api-key"), json);
        registry.bind("yofacturoSessionRequest", new SessionRequestBody(yofacturo));
        SessionTokenCache sessions = new SessionTokenCache(
                new CamelSessionIssuer(context.createProducerTemplate(), "direct:yofacturo-session-create", json),
                duration(context, "yofacturo.renew-before", "YOFACTURO_RENEW_BEFORE"), Clock.systemUTC());
        registry.bind("yofacturoSession", sessions);
        BearerHeader bearer = new BearerHeader(sessions);
        registry.bind("yofacturoBearer", bearer);
        registry.bind("yofacturoReauthenticate", new ReauthenticateOnRetry(sessions, bearer));
        RateLimitGate yofacturoLimit = new RateLimitGate("YoFacturo",
                duration(context, "http.rate-limit-max-wait", "HTTP_RATE_LIMIT_MAX_WAIT"), Clock.systemUTC());
        registry.bind("yofacturoRateLimit", yofacturoLimit);
        registry.bind("yofacturoRateLimited", (Processor) exchange -> {
            metrics.httpFailure(exchange, "yofacturo");
            yofacturoLimit.onLimited(exchange);
        });
        registry.bind("yofacturoHttpFailure", (Processor) exchange -> metrics.httpFailure(exchange, "yofacturo"));
        registry.bind("yofacturoRateLimitWait", (Processor) exchange -> yofacturoLimit.awaitClearance());
        registry.bind("yofacturoListPage", new PageReader(json, "/data", "id", PagingRule.totalPagesInMeta()));
        registry.bind("yofacturoInvoiceBatchState",
                new DeliveryStateRepository(stateDir.resolve("yofacturo-invoice-batches.state")));
        registry.bind("yofacturoBatchInvoiceState",
                new DeliveryStateRepository(stateDir.resolve("yofacturo-batch-invoices.state")));
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        if (yofacturo.isConfigured()) {
            feeds.register("yofacturo-invoice-batches", "yofacturo-invoice-batches");
            SessionTokenCache sessions = main.getCamelContext().getRegistry()
                    .lookupByNameAndType("yofacturoSession", SessionTokenCache.class);
            HealthCheckRegistry.get(main.getCamelContext()).register(new CredentialHealth("yofacturo-session",
                    () -> sessions.hasValidSession() ? null : sessions.isKeyRejected()
                            ? "YoFacturo rejected the api key: set YOFACTURO_API_KEY to a valid key"
                            : "no valid YoFacturo session yet (see the log)"));
            metrics.watch("yyr_session_renewals", "YoFacturo sessions obtained", sessions, SessionTokenCache::renewals,
                    "api", "yofacturo");
        } else {
            int off = switchOff(main.getCamelContext(), "yofacturo");
            LOG.warn("YoFacturo feeds are off ({} routes not started): set YOFACTURO_API_KEY, or run with --sandbox", off);
        }
    }

    static int switchOff(CamelContext context, String group) {
        int count = 0;
        for (RouteDefinition route : ((ModelCamelContext) context).getRouteDefinitions()) {
            if (group.equals(route.getGroup())) {
                route.setAutoStartup("false");
                count++;
            }
        }
        return count;
    }

    private static String property(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key).orElse("");
    }

    private static Duration duration(CamelContext context, String key, String variable) {
        String value = property(context, key);
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new ConfigurationException(variable + " must be an ISO-8601 duration such as PT1H or PT30M, not '"
                    + value + "'");
        }
    }
}
