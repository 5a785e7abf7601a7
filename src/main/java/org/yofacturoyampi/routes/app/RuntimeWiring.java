package org.yofacturoyampi.routes.app;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.spi.MaskingFormatter;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.Settings;
import org.yofacturoyampi.routes.delivery.DeadLetterEnvelope;
import org.yofacturoyampi.routes.delivery.DeliveryFailureLog;
import org.yofacturoyampi.routes.delivery.InboundFailureLog;
import org.yofacturoyampi.routes.delivery.InboundRetryPause;
import org.yofacturoyampi.routes.delivery.InboundSource;
import org.yofacturoyampi.routes.delivery.PollFailureLog;
import org.yofacturoyampi.routes.delivery.RecordKey;
import org.yofacturoyampi.routes.http.AnswerSizeLimit;
import org.yofacturoyampi.routes.http.PerApi;
import org.yofacturoyampi.routes.http.RequestNeverSent;
import org.yofacturoyampi.routes.kafka.KafkaRecordKey;
import org.yofacturoyampi.routes.metrics.FeedMetrics;
import org.yofacturoyampi.routes.paging.OpenRecord;
import org.yofacturoyampi.routes.trigger.FeedRuns;
import org.yofacturoyampi.routes.trigger.SyncAccess;
import org.yofacturoyampi.routes.trigger.SyncTriggers;
import org.yofacturoyampi.routes.yampi.YampiWiring;
import org.yofacturoyampi.routes.yofacturo.YoFacturoWiring;

/**
 * The wiring of the whole runtime: checks the settings, binds the beans every route file shares (feed runs and
 * triggers, record keys, failure logs, the dead-letter envelope, the answer size limit, the log mask), then lets each
 * API's wiring bind its own ({@link YoFacturoWiring}, {@link YampiWiring}, beside their packages) and switch off its
 * feeds when its credentials are not configured.
 */
final class RuntimeWiring extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeWiring.class);
    private static final String ABOVE_ZERO = "a whole number above 0";

    private final FeedRuns feeds;
    private final List<MainListenerSupport> apis;
    private SyncAccess syncAccess;

    RuntimeWiring(FeedRuns feeds, FeedMetrics metrics) {
        this.feeds = feeds;
        this.apis = List.of(new YoFacturoWiring(feeds, metrics), new YampiWiring(feeds, metrics));
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        Settings settings = Settings.of(context.getPropertiesComponent());
        Registry registry = context.getRegistry();
        ObjectMapper json = new ObjectMapper();
        SettingsCheck.check(context.getPropertiesComponent());
        // log-mask: Camel's log EIP and log component use this one (the tracer too, in afterConfigure)
        registry.bind(MaskingFormatter.CUSTOM_LOG_MASK_REF, mask(settings));

        feeds.progressEvery(settings.duration("progress-every", null, "an ISO-8601 duration such as PT1H or PT30M"));
        registry.bind("feedRuns", feeds);
        feeds.keepReports((int) Math.min(Integer.MAX_VALUE,
                settings.wholeNumber("triggers.kept-reports", 1, Long.MAX_VALUE, ABOVE_ZERO)));
        // the runs HTTP requests ask for run on threads of their own, never on the server's workers; at most one
        // per feed and account is queued or running at a time (a request for one queued or under way joins it)
        registry.bind("syncTriggers", new SyncTriggers(context.createProducerTemplate(), json,
                settings.wholeNumber("triggers.max-bytes", 1, Long.MAX_VALUE, ABOVE_ZERO), feeds,
                context.getExecutorServiceManager().newCachedThreadPool(this, "SyncTrigger"),
                settings.text("triggers.http-path")));
        syncAccess = new SyncAccess(settings.text("server.host"), settings.text("sync-token"));
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
        // inbound.poll-delay: milliseconds, 0 or more (Camel's file consumers read it too)
        registry.bind("inboundRetryPause", new InboundRetryPause(settings.wholeNumber("inbound.poll-delay", 0,
                Long.MAX_VALUE, "a whole number of milliseconds, such as 2000")));
        // a record sent to a kafka: sink is keyed by its id
        KafkaRecordKey.applyTo(context);
        registry.bind("pollFailures", new PollFailureLog());
        registry.bind("deliveryFailures", new DeliveryFailureLog());
        // both limits were checked by SettingsCheck above
        registry.bind("deadLetterEnvelope", new DeadLetterEnvelope(json, settings.wholeInt(
                "dead-letter.max-body-bytes", 1, Integer.MAX_VALUE - 8, "a whole number of bytes")));
        // every answer of either API is read through a bounded stream (http.max-answer-bytes)
        AnswerSizeLimit answerLimit = new AnswerSizeLimit(settings.wholeNumber("http.max-answer-bytes", 1,
                Integer.MAX_VALUE - 8, "a whole number of bytes"));
        for (String http : List.of("http", "https")) {
            context.getComponent(http, HttpComponent.class).setHttpClientConfigurer(answerLimit);
        }
        for (MainListenerSupport api : apis) {
            api.beforeConfigure(main);
        }
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        Settings settings = Settings.of(context.getPropertiesComponent());
        // who may ask for runs over HTTP, in one line (none with --once: no sync-http routes)
        if (((ModelCamelContext) context).getRouteDefinitions().stream().anyMatch(r -> "sync-http".equals(r.getGroup()))) {
            String line = syncAccess.startupLine(settings.text("triggers.http-path"));
            if (syncAccess.isOpen()) {
                LOG.info(line);
            } else {
                LOG.warn(line);
            }
        }
        Tracer tracer = context.getTracer();
        if (tracer != null && tracer.getExchangeFormatter() != null) {
            tracer.setExchangeFormatter(mask(settings).masking(tracer.getExchangeFormatter()));
        }
        for (MainListenerSupport api : apis) {
            api.afterConfigure(main);
        }
    }

    private static SecretMask mask(Settings settings) {
        return new SecretMask(settings.text("camel.main.additional-sensitive-keywords"));
    }
}
