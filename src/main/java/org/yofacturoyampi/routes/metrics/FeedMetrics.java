package org.yofacturoyampi.routes.metrics;

import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.yofacturoyampi.routes.tenant.Tenants;
import org.yofacturoyampi.routes.trigger.SyncReport;

/**
 * The product's own Prometheus metrics, beside Camel's (on /observe/metrics): per feed and tenant, what each run did,
 * and per API the refusals seen. A no-op when metrics are off (no meter registry).
 */
public final class FeedMetrics {

    private final Supplier<CamelContext> context;
    private volatile MeterRegistry registry;

    /** @param context the Camel context, once there is one (the meter registry is looked up in it when first used) */
    public FeedMetrics(Supplier<CamelContext> context) {
        this.context = context;
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null && context.get() != null) {
            r = context.get().getRegistry().findSingleByType(MeterRegistry.class);
            registry = r;
        }
        return r;
    }

    /** What one run of a feed did. */
    public void record(SyncReport run) {
        MeterRegistry r = registry();
        if (r == null) {
            return;
        }
        String feed = run.feed();
        String tenant = run.tenant() == null ? Tenants.DEFAULT : run.tenant();
        Timer.builder("yyr_poll_duration").description("duration of feed runs").tags("feed", feed, "tenant", tenant)
                .register(r).record(run.took());
        count(r, tenant, "yyr_pages_read", "list pages read", run.pages(), "feed", feed);
        count(r, tenant, "yyr_records_delivered", "records delivered downstream", run.fresh(), "feed", feed, "change", "new");
        count(r, tenant, "yyr_records_delivered", "records delivered downstream", run.changed(), "feed", feed, "change",
                "changed");
        count(r, tenant, "yyr_dead_letters", "answers sent to the dead letters", run.deadLetters(), "feed", feed);
        count(r, tenant, "yyr_run_errors", "errors met by feed runs", run.errorCount(), "feed", feed);
    }

    /** A refusal or failure answered by an API (401, 429, 5xx...), seen on the exchange's caught exception. */
    public void httpFailure(Exchange exchange, String api) {
        MeterRegistry r = registry();
        HttpOperationFailedException http = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT,
                HttpOperationFailedException.class);
        if (r == null || http == null) {
            return;
        }
        int status = http.getStatusCode();
        String kind = status >= 500 ? "5xx" : String.valueOf(status);
        String tenant = Tenants.idOf(exchange);
        count(r, tenant == null ? Tenants.DEFAULT : tenant, "yyr_http_failures", "API answers that were refusals or failures",
                1, "api", api, "status", kind);
    }

    /** A counter read from {@code source} whenever metrics are scraped, e.g. session renewals. */
    public <T> void watch(String name, String description, T source, ToDoubleFunction<T> value, String tenant,
            String... tags) {
        MeterRegistry r = registry();
        if (r != null) {
            FunctionCounter.builder(name, source, value).description(description).tags(tags).tag("tenant", tenant)
                    .register(r);
        }
    }

    private static void count(MeterRegistry r, String tenant, String name, String description, int amount,
            String... tags) {
        Counter counter = Counter.builder(name).description(description).tags(tags).tag("tenant", tenant).register(r);
        if (amount > 0) {
            counter.increment(amount);
        }
    }
}
