package org.yofacturoyampi.routes.yampi;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.ConfigurationException;
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
import org.yofacturoyampi.routes.metrics.FeedMetrics;
import org.yofacturoyampi.routes.tenant.TenantIdempotentRepository;
import org.yofacturoyampi.routes.tenant.Tenants;
import org.yofacturoyampi.routes.trigger.FeedRuns;
import org.yofacturoyampi.routes.trigger.FeedSchedule;

/**
 * Wires the Yampi feeds: reads the resource catalogue, keeps the resources the token kind can read (saying once
 * which it cannot), binds the beans routes/yampi.yaml names, and makes one route {@code yampi-<resource>} per resource
 * from the route template {@code feed-schedule} (FeedSchedule). Without a token or account ids, the Yampi routes stay off and
 * one line says what to set.
 */
public final class YampiWiring extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(YampiWiring.class);

    private final FeedRuns feeds;
    private final FeedMetrics metrics;
    private Tenants<YampiTenant> tenants;

    public YampiWiring(FeedRuns feeds, FeedMetrics metrics) {
        this.feeds = feeds;
        this.metrics = metrics;
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        PropertiesComponent properties = context.getPropertiesComponent();
        Settings settings = Settings.of(properties);
        Registry registry = context.getRegistry();
        ObjectMapper json = new ObjectMapper();

        YampiCatalogue catalogue = YampiCatalogue.read(properties.loadProperties().stringPropertyNames(),
                key -> properties.resolveProperty(key).orElse(null));
        List<String> ids = Tenants.ids(settings.text("yampi.tenants"), "YAMPI_TENANTS");
        boolean several = !ids.equals(List.of(Tenants.DEFAULT));
        Path stateDir = Path.of(settings.text("state-dir"));
        Duration maxWait = settings.duration("http.rate-limit-max-wait", null,
                "an ISO-8601 duration such as PT1H or PT30M");
        DeliveryStates states = DeliveryStates.in(registry);
        ClusterStores stores = ClusterStores.of(context);
        int concurrent = RequestConcurrency.read(settings, "yampi.max-concurrent-requests");
        tenants = Tenants.of(ids, id -> tenant(settings, catalogue, id, several, stateDir, maxWait, states, stores,
                concurrent));
        Tenants<YampiTenant> t = tenants;

        properties.addOverrideProperty("yampi.api-host", apiHost(settings.text("yampi.base-url")));
        registry.bind("yampiToken", (Processor) e -> t.of(e).token().process(e));
        registry.bind("yampiPages", new YampiPages(
                t.all().values().stream().flatMap(tenant -> tenant.polled().stream()).toList(),
                e -> t.of(e).kind(), json));
        YampiRefusals refusals = new YampiRefusals(id -> Tenants.variable("yampi", id, "api-token"),
                id -> Tenants.variable("yampi", id, "account-ids"));
        registry.bind("yampiRefusals", refusals);
        List<String> configured = t.all().values().stream().filter(YampiTenant::isConfigured).map(YampiTenant::id).toList();
        // the accounts of a resource are walked side by side (thread pool profile yampiRequests, named by the split
        // of routes/yampi.yaml): as many threads per token as it may have requests in flight
        RequestConcurrency.registerPool(context, "yampiRequests", concurrent, configured.size());
        registry.bind("yampiMessages", new YampiMessages(json, configured, id -> t.all().get(id).kind()));
        registry.bind("yampiMessageAttempts", InboundAttempts.of(settings,
                "yampi.messages-max-attempts"));
        registry.bind("yampiState", new TenantIdempotentRepository(t.map(YampiTenant::state)));
        // Yampi messages read from Kafka: claimed before their POST, settled once their outcome is written (one ledger
        // for every token: it is about the records read, not the tenants)
        YampiPostLedger ledger = new YampiPostLedger(states.create(Tenants.DEFAULT, "yampi-messages-from-kafka",
                stateDir.resolve("yampi-messages-from-kafka.state")));
        try {
            context.addService(ledger);
        } catch (Exception e) {
            throw RuntimeCamelException.wrapRuntimeException(e);
        }
        registry.bind("yampiPostLedger", ledger);
        ConversationMessages messages = conversationMessages(settings, catalogue, t, json);
        registry.bind("yampiConversationMessages", messages);
        registry.bind("yampiMessagesWanted", (Predicate) messages::wanted);
        registry.bind("yampiMessagesNeverRead", (Predicate) messages::neverRead);
        registry.bind("yampiMessageToDeliver", (Predicate) messages::hasMessageToDeliver);
        registry.bind("yampiTakeMessage", (Processor) messages::takeMessage);
        registry.bind("yampiTenantHeaders", (Processor) e -> {
            YampiTenant tenant = t.of(e);
            e.getMessage().setHeader("YampiTenant", tenant.id());
            e.getMessage().setHeader(RouteHeaders.YAMPI_OUTPUT_PATH, tenant.outputPath());
        });
        registry.bind("yampiRateLimited", (Processor) e -> {
            metrics.httpFailure(e, "yampi");
            YampiTenant tenant = t.of(e);
            tenant.rateLimit().onLimited(e);
            tenant.slots().limited();
        });
        registry.bind("yampiHttpFailure", (Processor) e -> metrics.httpFailure(e, "yampi"));
        // a request waiting for the gate holds none of the token's request slots meanwhile (RequestSlots)
        registry.bind("yampiRateLimitWait", (Processor) e -> {
            YampiTenant tenant = t.of(e);
            tenant.slots().awaitClearance(e, tenant.rateLimit());
        });
        registry.bind("yampiRateLimitPassed", (Processor) e -> {
            YampiTenant tenant = t.of(e);
            tenant.rateLimit().passed();
            tenant.slots().passed(e);
        });
        // yampi-get-page holds one of the token's slots from its first try to its last retry; a request that got its
        // slot after Yampi rejected the token is not sent (nothing is asked of Yampi after that 401)
        registry.bind("yampiRequestSlotTake", (Processor) e -> {
            YampiTenant tenant = t.of(e);
            tenant.slots().take(e);
            if (refusals.isTokenRejected(e)) {
                tenant.slots().give(e);
                throw new TokenRejectedException(tenant.id());
            }
        });
        registry.bind("yampiRequestSlotGive", (Processor) e -> {
            refusals.noteTokenRefused(e);
            t.of(e).slots().give(e);
        });
    }

    /** The messages of each conversation, read by the conversations feed when a tenant polls 'messages'. */
    private static ConversationMessages conversationMessages(Settings settings, YampiCatalogue catalogue,
            Tenants<YampiTenant> tenants, ObjectMapper json) {
        YampiResource messages = catalogue.find(ConversationMessages.RESOURCE);
        return new ConversationMessages(e -> tenants.of(e).state(),
                e -> tenants.of(e).polled().contains(messages), json, messages.path(), messages.recordsPointer(),
                messages.pageSize(), wholeNumber(settings, YampiCatalogue.PREFIX + "messages.after-page-size", 1,
                        Integer.MAX_VALUE),
                wholeNumber(settings, "yampi.messages-max-pages", 1, 10_000));
    }

    private static int wholeNumber(Settings settings, String key, int min, int max) {
        return settings.wholeInt(key, min, max, "a whole number from " + min + " to " + max);
    }

    /** A token and its accounts: YAMPI_TENANTS lists them (YAMPI_TENANT_<ID>_*); without it, one, with YAMPI_*. */
    private static YampiTenant tenant(Settings settings, YampiCatalogue catalogue, String id,
            boolean several, Path stateDir, Duration maxWait, DeliveryStates states, ClusterStores stores,
            int concurrent) {
        String token = setting(settings, id, "api-token", false);
        String accounts = setting(settings, id, "account-ids", false);
        List<String> missing = new ArrayList<>();
        if (token.isEmpty()) {
            missing.add(Tenants.variable("yampi", id, "api-token"));
        }
        List<String> accountIds = List.of();
        String accountsVariable = Tenants.variable("yampi", id, "account-ids");
        if (accounts.isEmpty()) {
            missing.add(accountsVariable);
        } else if (!accounts.matches("\\d+(\\s*,\\s*\\d+)*")) {
            throw new ConfigurationException(accountsVariable + " must be account numbers separated by commas, such as "
                    + "1,42; not '" + accounts + "'");
        } else {
            accountIds = Arrays.stream(accounts.split(",")).map(String::trim).toList();
        }
        YampiTokenKind kind = YampiTokenKind.parse(setting(settings, id, "token-kind", true));
        List<YampiResource> selected = catalogue.select(setting(settings, id, "resources", true));
        List<String> names = selected.stream().map(YampiResource::name).toList();
        if (names.contains(ConversationMessages.RESOURCE) && !names.contains("conversations")) {
            throw new ConfigurationException(Tenants.variable("yampi", id, "resources") + " names messages but not "
                    + "conversations: messages are read for each new or changed conversation, so add conversations");
        }
        List<YampiResource> polled = selected.stream().filter(r -> r.readableWith(kind)).toList();
        List<String> unreadable = selected.stream().filter(r -> !r.readableWith(kind)).map(YampiResource::name).toList();
        String api = several ? "Yampi [" + id + "]" : "Yampi";
        if (missing.isEmpty() && kind == YampiTokenKind.BOT && polled.isEmpty()) {
            // upstream's agent bots may not list or read anything; they post messages and change conversations
            LOG.info("A {} bot token polls nothing (agent bots may read no resource); it still posts messages "
                    + "(yampi.messages-from)", api);
        } else if (missing.isEmpty() && !unreadable.isEmpty()) {
            LOG.warn("A {} {} token cannot read {}: not polled; polling {}", api, kind.label(), String.join(", ", unreadable),
                    polled.isEmpty() ? "nothing" : polled.stream().map(YampiResource::name).collect(Collectors.joining(", ")));
        }
        return new YampiTenant(id, new YampiTokenHeader(token), kind, accountIds, polled,
                states.create(id, "yampi", (several ? stateDir.resolve(id) : stateDir).resolve("yampi.state")),
                new RateLimitGate(api, maxWait, Clock.systemUTC(), stores.rateLimit("yampi", id)),
                new RequestSlots(concurrent), several ? "yampi/" + id : "yampi",
                List.copyOf(missing));
    }

    /** A tenant's setting; with {@code inherits}, an unset tenant setting falls back to the plain yampi.* one. */
    private static String setting(Settings settings, String id, String name, boolean inherits) {
        String value = settings.text(Tenants.property("yampi", id, name));
        return value.isEmpty() && inherits ? settings.text("yampi." + name) : value;
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        List<String> missing = new ArrayList<>();
        YampiRefusals refusals = context.getRegistry().lookupByNameAndType("yampiRefusals", YampiRefusals.class);
        for (YampiTenant tenant : tenants.all().values()) {
            if (!tenant.isConfigured()) {
                missing.addAll(tenant.missing());
                continue;
            }
            String tokenVariable = Tenants.variable("yampi", tenant.id(), "api-token");
            HealthCheckRegistry.get(context).register(new CredentialHealth(Tenants.name("yampi-token", tenant.id()),
                    () -> refusals.isTokenRejectedFor(tenant.id())
                            ? "Yampi rejected the token (401): set " + tokenVariable + " to a valid token and restart"
                            : null));
            for (YampiResource resource : tenant.polled()) {
                if (resource.name().equals(ConversationMessages.RESOURCE)) {
                    continue; // read by the conversations feed, for each new or changed conversation
                }
                String feed = Tenants.DEFAULT.equals(tenant.id()) ? "yampi-" + resource.name()
                        : "yampi-" + tenant.id() + "-" + resource.name();
                FeedSchedule.add(context, feed, feed, "yampi");
                feeds.register(feed, "yampi-resource-walk", tenant.id(), resource.name(), tenant.accountIds());
            }
        }
        if (tenants.all().values().stream().noneMatch(YampiTenant::isConfigured)) {
            int off = RouteGroups.switchOff(context, "yampi");
            LOG.warn("Yampi feeds are off ({} routes not started): set {}, or run with --sandbox", off,
                    String.join(" and ", missing));
        } else if (!missing.isEmpty()) {
            LOG.warn("Some Yampi tokens are off: set {}", String.join(" and ", missing));
        }
    }

    /** The host to call: the docs write the base as https://app.yampi.ai/api/v1; the paths carry /api/v1 already. */
    static String apiHost(String baseUrl) {
        String host = baseUrl.trim();
        while (host.endsWith("/")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.endsWith("/api/v1") ? host.substring(0, host.length() - "/api/v1".length()) : host;
    }
}
