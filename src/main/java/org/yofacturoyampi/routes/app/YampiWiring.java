package org.yofacturoyampi.routes.app;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.delivery.DeliveryStateRepository;
import org.yofacturoyampi.routes.health.CredentialHealth;
import org.yofacturoyampi.routes.http.RateLimitGate;
import org.yofacturoyampi.routes.metrics.FeedMetrics;
import org.yofacturoyampi.routes.trigger.FeedRuns;
import org.yofacturoyampi.routes.yampi.YampiCatalogue;
import org.yofacturoyampi.routes.yampi.YampiMessages;
import org.yofacturoyampi.routes.yampi.YampiPages;
import org.yofacturoyampi.routes.yampi.YampiRefusals;
import org.yofacturoyampi.routes.yampi.YampiResource;
import org.yofacturoyampi.routes.yampi.YampiTokenHeader;
import org.yofacturoyampi.routes.yampi.YampiTokenKind;

/**
 * Wires the Yampi feeds: reads the resource catalogue, keeps the resources the token kind can read (saying once
 * which it cannot), binds the beans routes/yampi.yaml names, and makes one route {@code yampi-<resource>} per resource
 * from the route template {@code yampi-resource-poll}. Without a token or account ids, the Yampi routes stay off and
 * one line says what to set.
 */
final class YampiWiring extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(YampiWiring.class);
    private static final String TEMPLATE = "yampi-resource-poll";

    private final FeedRuns feeds;
    private final FeedMetrics metrics;
    private final List<String> missing = new ArrayList<>();
    private List<String> accountIds = List.of();
    private List<YampiResource> polled = List.of();

    YampiWiring(FeedRuns feeds, FeedMetrics metrics) {
        this.feeds = feeds;
        this.metrics = metrics;
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        PropertiesComponent properties = context.getPropertiesComponent();
        Registry registry = context.getRegistry();
        ObjectMapper json = new ObjectMapper();

        String token = property(properties, "yampi.api-token");
        String accounts = property(properties, "yampi.account-ids");
        if (token.isEmpty()) {
            missing.add("YAMPI_API_TOKEN");
        }
        if (accounts.isEmpty()) {
            missing.add("YAMPI_ACCOUNT_IDS");
        } else if (!accounts.matches("\\d+(\\s*,\\s*\\d+)*")) {
            throw new ConfigurationException("YAMPI_ACCOUNT_IDS must be account numbers separated by commas, such as "
                    + "1,42; not '" + accounts + "'");
        } else {
            accountIds = Arrays.stream(accounts.split(",")).map(String::trim).toList();
        }
        YampiTokenKind kind = YampiTokenKind.parse(property(properties, "yampi.token-kind"));
        YampiCatalogue catalogue = YampiCatalogue.read(properties.loadProperties().stringPropertyNames(),
                key -> properties.resolveProperty(key).orElse(null));
        List<YampiResource> selected = catalogue.select(property(properties, "yampi.resources"));
        polled = selected.stream().filter(r -> r.readableWith(kind)).toList();
        List<String> unreadable = selected.stream().filter(r -> !r.readableWith(kind)).map(YampiResource::name).toList();
        if (missing.isEmpty() && !unreadable.isEmpty()) {
            LOG.warn("A Yampi {} token cannot read {}: not polled; polling {}", kind.label(),
                    String.join(", ", unreadable),
                    polled.isEmpty() ? "nothing" : polled.stream().map(YampiResource::name).collect(Collectors.joining(", ")));
        }

        properties.addOverrideProperty("yampi.api-host", apiHost(property(properties, "yampi.base-url")));
        registry.bind("yampiToken", new YampiTokenHeader(token));
        registry.bind("yampiPages", new YampiPages(polled, kind, json));
        registry.bind("yampiRefusals", new YampiRefusals());
        registry.bind("yampiMessages", new YampiMessages(json));
        registry.bind("yampiState", new DeliveryStateRepository(
                Path.of(property(properties, "state-dir")).resolve("yampi.state")));
        RateLimitGate limit = new RateLimitGate("Yampi",
                Duration.parse(property(properties, "http.rate-limit-max-wait")), Clock.systemUTC());
        registry.bind("yampiRateLimit", limit);
        registry.bind("yampiRateLimited", (Processor) exchange -> {
            metrics.httpFailure(exchange, "yampi");
            limit.onLimited(exchange);
        });
        registry.bind("yampiHttpFailure", (Processor) exchange -> metrics.httpFailure(exchange, "yampi"));
        registry.bind("yampiRateLimitWait", (Processor) exchange -> limit.awaitClearance());
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        if (!missing.isEmpty()) {
            int off = RuntimeWiring.switchOff(context, "yampi");
            LOG.warn("Yampi feeds are off ({} routes not started): set {}, or run with --sandbox", off,
                    String.join(" and ", missing));
            return;
        }
        YampiRefusals refusals = context.getRegistry().lookupByNameAndType("yampiRefusals", YampiRefusals.class);
        HealthCheckRegistry.get(context).register(new CredentialHealth("yampi-token", () -> refusals.isTokenRejected()
                ? "Yampi rejected the token (401): set YAMPI_API_TOKEN to a valid token and restart" : null));
        for (YampiResource resource : polled) {
            TemplatedRouteBuilder.builder(context, TEMPLATE)
                    .routeId("yampi-" + resource.name())
                    .parameter("resource", resource.name())
                    .add();
            feeds.register("yampi-" + resource.name(), "yampi-resource-walk", resource.name(), accountIds);
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

    private static String property(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).orElse("").trim();
    }
}
