package org.yofacturoyampi.routes.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.cluster.ClusterStores;
import org.apache.camel.Processor;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.MaskingFormatter;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.delivery.DeadLetterEnvelope;
import org.yofacturoyampi.routes.delivery.DeliveryFailureLog;
import org.yofacturoyampi.routes.delivery.DeliveryStates;
import org.yofacturoyampi.routes.delivery.InboundAttempts;
import org.yofacturoyampi.routes.delivery.InboundFailureLog;
import org.yofacturoyampi.routes.delivery.InboundRetryPause;
import org.yofacturoyampi.routes.delivery.InboundSource;
import org.yofacturoyampi.routes.kafka.KafkaRecordKey;
import org.yofacturoyampi.routes.health.CredentialHealth;
import org.yofacturoyampi.routes.delivery.PollFailureLog;
import org.yofacturoyampi.routes.delivery.RecordKey;
import org.yofacturoyampi.routes.paging.OpenRecord;
import org.yofacturoyampi.routes.paging.PageReader;
import org.yofacturoyampi.routes.tenant.TenantIdempotentRepository;
import org.yofacturoyampi.routes.tenant.Tenants;
import org.yofacturoyampi.routes.trigger.FeedRuns;
import org.yofacturoyampi.routes.trigger.SyncAccess;
import org.yofacturoyampi.routes.trigger.SyncTriggers;
import org.yofacturoyampi.routes.paging.PagingRule;
import org.apache.camel.component.http.HttpComponent;
import org.yofacturoyampi.routes.http.AnswerSizeLimit;
import org.yofacturoyampi.routes.http.RateLimitGate;
import org.yofacturoyampi.routes.http.RequestSlots;
import org.yofacturoyampi.routes.http.UrlPathSegment;
import org.yofacturoyampi.routes.http.RequestNeverSent;
import org.yofacturoyampi.routes.http.PerApi;
import org.yofacturoyampi.routes.metrics.FeedMetrics;
import org.yofacturoyampi.routes.yofacturo.BearerHeader;
import org.yofacturoyampi.routes.yofacturo.CamelSessionIssuer;
import org.yofacturoyampi.routes.yofacturo.InvoiceAlerts;
import org.yofacturoyampi.routes.yofacturo.InvoiceBatchSubmissions;
import org.yofacturoyampi.routes.yofacturo.ReauthenticateOnRetry;
import org.yofacturoyampi.routes.yofacturo.SessionRequestBody;
import org.yofacturoyampi.routes.yofacturo.SessionTokenCache;
import org.yofacturoyampi.routes.yofacturo.YoFacturoCredentials;
import org.yofacturoyampi.routes.yofacturo.YoFacturoTenant;

/**
 * Binds the beans the route files name (token cache, page readers, delivery state) and switches off the feeds whose
 * credentials are not configured, saying once which variable to set.
 */
final class RuntimeWiring extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeWiring.class);

    private final FeedRuns feeds;
    private final FeedMetrics metrics;
    private Tenants<YoFacturoTenant> yofacturo;
    private SyncAccess syncAccess;

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
        // log-mask: Camel's log EIP and log component use this one (the tracer too, in afterConfigure)
        registry.bind(MaskingFormatter.CUSTOM_LOG_MASK_REF, mask(context));

        feeds.progressEvery(duration(context, "progress-every", "PROGRESS_EVERY"));
        registry.bind("feedRuns", feeds);
        feeds.keepReports((int) Math.min(Integer.MAX_VALUE,
                positive(context, "triggers.kept-reports", "TRIGGERS_KEPT_REPORTS")));
        // the runs HTTP requests ask for run on threads of their own, never on the server's workers; at most one
        // per feed and account is queued or running at a time (a request for one queued or under way joins it)
        registry.bind("syncTriggers", new SyncTriggers(context.createProducerTemplate(), json,
                positive(context, "triggers.max-bytes", "TRIGGERS_MAX_BYTES"), feeds,
                context.getExecutorServiceManager().newCachedThreadPool(this, "SyncTrigger"),
                property(context, "triggers.http-path")));
        syncAccess = new SyncAccess(property(context, "server.host"), property(context, "sync-token"));
        registry.bind("syncAccess", syncAccess);
        registry.bind("recordKey", new RecordKey());
        registry.bind("openRecord", new OpenRecord());
        registry.bind("requestNeverSent", new RequestNeverSent());
        // the HTTP error handling both APIs share (routes/error-handling.yaml): each runs the bean of the API the
        // variable 'api' names, e.g. rateLimitWait runs yofacturoRateLimitWait or yampiRateLimitWait
        registry.bind("rateLimited", new PerApi(registry, "RateLimited"));
        registry.bind("rateLimitWait", new PerApi(registry, "RateLimitWait"));
        registry.bind("httpFailure", new PerApi(registry, "HttpFailure"));
        registry.bind("inboundFailures", new InboundFailureLog());
        registry.bind("inboundSource", new InboundSource());
        registry.bind("inboundRetryPause", new InboundRetryPause(inboundPollDelay(context)));
        // a record sent to a kafka: sink is keyed by its id
        KafkaRecordKey.applyTo(context);
        registry.bind("yofacturoInvoiceAlerts", new InvoiceAlerts(json,
                property(context, "yofacturo.alerts.processing-statuses"),
                property(context, "yofacturo.alerts.verifactu-states")));
        registry.bind("pollFailures", new PollFailureLog());
        registry.bind("deliveryFailures", new DeliveryFailureLog());
        registry.bind("deadLetterEnvelope", new DeadLetterEnvelope(json,
                Integer.parseInt(property(context, "dead-letter.max-body-bytes").trim())));
        // every answer of either API is read through a bounded stream (http.max-answer-bytes)
        AnswerSizeLimit answerLimit = new AnswerSizeLimit(Long.parseLong(property(context, "http.max-answer-bytes").trim()));
        for (String http : List.of("http", "https")) {
            context.getComponent(http, HttpComponent.class).setHttpClientConfigurer(answerLimit);
        }

        registry.bind("yofacturoListPage", new PageReader(json, "/data", "id", PagingRule.totalPagesInMeta()));
        registry.bind("yofacturoInvoicesPath", (Processor) e -> e.setVariable("path",
                UrlPathSegment.invoicesOfBatch(e.getVariable("batchId", String.class))));
        int concurrent = RequestConcurrency.read(context, "yofacturo.max-concurrent-requests",
                "YOFACTURO_MAX_CONCURRENT_REQUESTS");
        yofacturo = yofacturoTenants(context, json, stateDir, DeliveryStates.in(registry), concurrent);
        Tenants<YoFacturoTenant> t = yofacturo;
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
            e.getMessage().setHeader("YoFacturoOutputPath", tenant.outputPath());
        });
        List<String> configured = t.all().values().stream().filter(YoFacturoTenant::isConfigured)
                .map(YoFacturoTenant::id).toList();
        // the split of each page of batches fetches the invoices of several batches at once (thread pool profile
        // yofacturoRequests): as many threads per organisation as it may have requests in flight
        RequestConcurrency.registerPool(context, "yofacturoRequests", concurrent, configured.size());
        context.getPropertiesComponent().addOverrideProperty("yofacturo.configured-tenants", String.join(",", configured));
        registry.bind("yofacturoSubmissions", new InvoiceBatchSubmissions(json, configured));
        registry.bind("yofacturoSubmitAttempts", InboundAttempts.of(property(context, "yofacturo.submit-max-attempts"),
                "YOFACTURO_SUBMIT_MAX_ATTEMPTS"));
    }

    /** The organisations: YOFACTURO_TENANTS lists them, each with its own key; without it, one, with YOFACTURO_API_KEY. */
    private static Tenants<YoFacturoTenant> yofacturoTenants(CamelContext context, ObjectMapper json, Path stateDir,
            DeliveryStates states, int concurrent) {
        List<String> ids = Tenants.ids(property(context, "yofacturo.tenants"), "YOFACTURO_TENANTS");
        boolean several = !ids.equals(List.of(Tenants.DEFAULT));
        Duration renewBefore = duration(context, "yofacturo.renew-before", "YOFACTURO_RENEW_BEFORE");
        Duration maxWait = duration(context, "http.rate-limit-max-wait", "HTTP_RATE_LIMIT_MAX_WAIT");
        ClusterStores stores = ClusterStores.of(context);
        return Tenants.of(ids, id -> {
            String keyVariable = Tenants.variable("yofacturo", id, "api-key");
            String api = several ? "YoFacturo [" + id + "]" : "YoFacturo";
            YoFacturoCredentials credentials = new YoFacturoCredentials(
                    property(context, Tenants.property("yofacturo", id, "api-key")), json);
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
        // who may ask for runs over HTTP, in one line (none with --once: no sync-http routes)
        if (((ModelCamelContext) context).getRouteDefinitions().stream().anyMatch(r -> "sync-http".equals(r.getGroup()))) {
            String line = syncAccess.startupLine(property(context, "triggers.http-path"));
            if (syncAccess.isOpen()) {
                LOG.info(line);
            } else {
                LOG.warn(line);
            }
        }
        Tracer tracer = context.getTracer();
        if (tracer != null && tracer.getExchangeFormatter() != null) {
            tracer.setExchangeFormatter(mask(context).masking(tracer.getExchangeFormatter()));
        }
        List<String> off = new ArrayList<>();
        for (YoFacturoTenant tenant : yofacturo.all().values()) {
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
        if (off.size() == yofacturo.all().size()) {
            int routes = switchOff(context, "yofacturo");
            LOG.warn("YoFacturo feeds are off ({} routes not started): set {}, or run with --sandbox", routes,
                    String.join(" and ", off));
        } else if (!off.isEmpty()) {
            LOG.warn("Some YoFacturo organisations are off: set {}", String.join(" and ", off));
        }
    }

    private static SecretMask mask(CamelContext context) {
        return new SecretMask(property(context, "camel.main.additional-sensitive-keywords"));
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

    private static long positive(CamelContext context, String key, String variable) {
        String value = property(context, key).trim();
        try {
            long n = Long.parseLong(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ConfigurationException(variable + " must be a whole number above 0, not '" + value + "'");
    }

    /** inbound.poll-delay: milliseconds, 0 or more (Camel's file consumers read it too). */
    private static long inboundPollDelay(CamelContext context) {
        String value = property(context, "inbound.poll-delay").trim();
        try {
            long millis = Long.parseLong(value);
            if (millis >= 0) {
                return millis;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ConfigurationException("INBOUND_POLL_DELAY must be a whole number of milliseconds, such as 2000, not '"
                + value + "'");
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
