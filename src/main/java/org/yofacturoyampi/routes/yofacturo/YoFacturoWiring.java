package org.yofacturoyampi.routes.yofacturo;

import static org.yofacturoyampi.routes.RouteVariables.BATCH_ID;
import static org.yofacturoyampi.routes.RouteVariables.PATH;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.RouteGroups;
import org.yofacturoyampi.routes.RouteHeaders;
import org.yofacturoyampi.routes.Settings;
import org.yofacturoyampi.routes.cluster.ClusterStores;
import org.yofacturoyampi.routes.delivery.DeliveryStates;
import org.yofacturoyampi.routes.delivery.InboundAttempts;
import org.yofacturoyampi.routes.health.CredentialHealth;
import org.yofacturoyampi.routes.http.RateLimitGate;
import org.yofacturoyampi.routes.http.RequestConcurrency;
import org.yofacturoyampi.routes.http.RequestSlots;
import org.yofacturoyampi.routes.http.UrlPathSegment;
import org.yofacturoyampi.routes.metrics.FeedMetrics;
import org.yofacturoyampi.routes.paging.PageReader;
import org.yofacturoyampi.routes.paging.PagingRule;
import org.yofacturoyampi.routes.tenant.TenantIdempotentRepository;
import org.yofacturoyampi.routes.tenant.Tenants;
import org.yofacturoyampi.routes.trigger.FeedRuns;
import org.yofacturoyampi.routes.trigger.FeedSchedule;

/**
 * Wires the YoFacturo feeds: one tenant per organisation (its key, session cache, rate-limit gate, request slots and
 * delivery states), the beans the yofacturo-* route files name, and one schedule route per configured organisation
 * from the template {@code yofacturo-invoice-batches-poll}. Without an api key, the YoFacturo routes stay off and one
 * line says what to set.
 */
public final class YoFacturoWiring extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(YoFacturoWiring.class);
    /** What yofacturo.renew-before and http.rate-limit-max-wait must be. */
    private static final String DURATION = "an ISO-8601 duration such as PT1H or PT30M";

    private final FeedRuns feeds;
    private final FeedMetrics metrics;
    private Tenants<YoFacturoTenant> tenants;

    public YoFacturoWiring(FeedRuns feeds, FeedMetrics metrics) {
        this.feeds = feeds;
        this.metrics = metrics;
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        Settings settings = Settings.of(context.getPropertiesComponent());
        Registry registry = context.getRegistry();
        ObjectMapper json = new ObjectMapper();

        registry.bind("yofacturoInvoiceAlerts", new InvoiceAlerts(json,
                settings.text("yofacturo.alerts.processing-statuses"),
                settings.text("yofacturo.alerts.verifactu-states")));
        registry.bind("yofacturoListPage", new PageReader(json, "/data", "id", PagingRule.totalPagesInMeta()));
        registry.bind("yofacturoInvoicesPath", (Processor) e -> e.setVariable(PATH,
                UrlPathSegment.invoicesOfBatch(e.getVariable(BATCH_ID, String.class))));
        int concurrent = RequestConcurrency.read(settings, "yofacturo.max-concurrent-requests");
        tenants = tenants(context, settings, json, DeliveryStates.in(registry), concurrent);
        Tenants<YoFacturoTenant> t = tenants;
        registry.bind("yofacturoTenants", t);
        registry.bind("yofacturoSessionRequest", (Processor) e -> t.of(e).sessionRequest().process(e));
        registry.bind("yofacturoSessionCheck", (Processor) e -> t.of(e).sessions().renewIfDue());
        registry.bind("yofacturoBearer", (Processor) e -> t.of(e).bearer().process(e));
        // the 401 handler's onRedelivery: a new session (its call waits for the gate), then the gate again for the
        // request itself, as a 429 elsewhere may have closed it meanwhile
        registry.bind("yofacturoReauthenticate", (Processor) e -> {
            YoFacturoTenant tenant = t.of(e);
            tenant.reauthenticate().process(e);
            tenant.slots().awaitClearance(e, tenant.rateLimit());
        });
        registry.bind("yofacturoRateLimited", (Processor) e -> {
            metrics.httpFailure(e, "yofacturo");
            YoFacturoTenant tenant = t.of(e);
            tenant.rateLimit().onLimited(e);
            tenant.slots().limited();
        });
        // a request waiting for the gate holds none of the organisation's request slots meanwhile (RequestSlots)
        registry.bind("yofacturoRateLimitWait", (Processor) e -> {
            YoFacturoTenant tenant = t.of(e);
            tenant.slots().awaitClearance(e, tenant.rateLimit());
        });
        registry.bind("yofacturoRateLimitPassed", (Processor) e -> {
            YoFacturoTenant tenant = t.of(e);
            tenant.rateLimit().passed();
            tenant.slots().passed(e);
        });
        // yofacturo-get-page holds one of the organisation's slots from its first try to its last retry
        registry.bind("yofacturoRequestSlotTake", (Processor) e -> t.of(e).slots().take(e));
        registry.bind("yofacturoRequestSlotGive", (Processor) e -> t.of(e).slots().give(e));
        registry.bind("yofacturoHttpFailure", (Processor) e -> metrics.httpFailure(e, "yofacturo"));
        registry.bind("yofacturoInvoiceBatchState", new TenantIdempotentRepository(t.map(YoFacturoTenant::batchState)));
        registry.bind("yofacturoBatchInvoiceState", new TenantIdempotentRepository(t.map(YoFacturoTenant::invoiceState)));
        registry.bind("yofacturoTenantHeaders", (Processor) e -> {
            YoFacturoTenant tenant = t.of(e);
            e.getMessage().setHeader("YoFacturoTenant", tenant.id());
            e.getMessage().setHeader(RouteHeaders.YOFACTURO_OUTPUT_PATH, tenant.outputPath());
        });
        List<String> configured = t.all().values().stream().filter(YoFacturoTenant::isConfigured)
                .map(YoFacturoTenant::id).toList();
        // the split of each page of batches fetches the invoices of several batches at once (thread pool profile
        // yofacturoRequests): as many threads per organisation as it may have requests in flight
        RequestConcurrency.registerPool(context, "yofacturoRequests", concurrent, configured.size());
        context.getPropertiesComponent().addOverrideProperty("yofacturo.configured-tenants", String.join(",", configured));
        registry.bind("yofacturoSubmissions", new InvoiceBatchSubmissions(json, configured));
        registry.bind("yofacturoSubmitAttempts", InboundAttempts.of(settings, "yofacturo.submit-max-attempts"));
    }

    /** The organisations: YOFACTURO_TENANTS lists them, each with its own key; without it, one, with YOFACTURO_API_KEY. */
    private static Tenants<YoFacturoTenant> tenants(CamelContext context, Settings settings, ObjectMapper json,
            DeliveryStates states, int concurrent) {
        List<String> ids = Tenants.ids(settings.text("yofacturo.tenants"), "YOFACTURO_TENANTS");
        boolean several = !ids.equals(List.of(Tenants.DEFAULT));
        Path stateDir = Path.of(settings.text("state-dir"));
        Duration renewBefore = settings.duration("yofacturo.renew-before", null, DURATION);
        Duration maxWait = settings.duration("http.rate-limit-max-wait", null, DURATION);
        ClusterStores stores = ClusterStores.of(context);
        return Tenants.of(ids, id -> {
            String keyVariable = Tenants.variable("yofacturo", id, "api-key");
            String api = several ? "YoFacturo [" + id + "]" : "YoFacturo";
            YoFacturoCredentials credentials = new YoFacturoCredentials(
                    settings.text(Tenants.property("yofacturo", id, "api-key")), json);
            SessionTokenCache sessions = new SessionTokenCache(new CamelSessionIssuer(context.createProducerTemplate(),
                    "direct:yofacturo-session-create", json, id), stores.sessions(id), renewBefore, Clock.systemUTC(),
                    api, keyVariable);
            BearerHeader bearer = new BearerHeader(sessions);
            Path state = several ? stateDir.resolve(id) : stateDir;
            return new YoFacturoTenant(id, keyVariable, credentials, sessions, bearer,
                    new ReauthenticateOnRetry(sessions, bearer), new SessionRequestBody(credentials),
                    new RateLimitGate(api, maxWait, Clock.systemUTC(), stores.rateLimit("yofacturo", id)),
                    new RequestSlots(concurrent),
                    states.create(id, "yofacturo-invoice-batches", state.resolve("yofacturo-invoice-batches.state")),
                    states.create(id, "yofacturo-batch-invoices", state.resolve("yofacturo-batch-invoices.state")),
                    several ? "yofacturo/" + id : "yofacturo");
        });
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        List<String> off = new ArrayList<>();
        for (YoFacturoTenant tenant : tenants.all().values()) {
            if (!tenant.isConfigured()) {
                off.add(tenant.keyVariable());
                continue;
            }
            String feed = Tenants.name("yofacturo-invoice-batches", tenant.id());
            feeds.register(feed, "yofacturo-invoice-batches", tenant.id());
            FeedSchedule.add(context, feed + "-schedule", feed, "yofacturo");
            SessionTokenCache sessions = tenant.sessions();
            HealthCheckRegistry.get(context).register(new CredentialHealth(Tenants.name("yofacturo-session", tenant.id()),
                    () -> sessions.hasValidSession() ? null : sessions.isKeyRejected()
                            ? "YoFacturo rejected the api key: set " + tenant.keyVariable() + " to a valid key"
                            : "no valid YoFacturo session yet (see the log)"));
            metrics.watch("yyr_session_renewals", "YoFacturo sessions obtained", sessions, SessionTokenCache::renewals,
                    tenant.id(), "api", "yofacturo");
        }
        if (off.size() == tenants.all().size()) {
            int routes = RouteGroups.switchOff(context, "yofacturo");
            LOG.warn("YoFacturo feeds are off ({} routes not started): set {}, or run with --sandbox", routes,
                    String.join(" and ", off));
        } else if (!off.isEmpty()) {
            LOG.warn("Some YoFacturo organisations are off: set {}", String.join(" and ", off));
        }
    }
}
