package org.yofacturoyampi.routes.app;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.QuartzProperties;
import org.yofacturoyampi.routes.Settings;

/**
 * Sizes Quartz's thread pool. Every schedule runs its whole walk on its Quartz thread (Quartz to direct:sync), waits
 * for a 429 included, and Quartz's default pool has 10 threads: with more schedules than threads (one tenant already
 * has about nine), a rate-limited tenant could hold every thread and delay other tenants' feeds and session checks.
 * {@code quartz.thread-count} ({@code QUARTZ_THREAD_COUNT}) is {@code auto}, one thread per schedule that starts (a
 * schedule never runs twice at once, so none then waits for a thread), or a number. Runs after the wiring that adds
 * the templated schedule routes, before the scheduler is created; the rest of Quartz's defaults stay as they are.
 */
final class QuartzThreads extends MainListenerSupport {

    static final String PROPERTY = "quartz.thread-count";
    static final String THREAD_COUNT = "org.quartz.threadPool.threadCount";
    private static final String VARIABLE = "QUARTZ_THREAD_COUNT";
    private static final Logger LOG = LoggerFactory.getLogger(QuartzThreads.class);

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        int schedules = schedules(context);
        Settings settings = Settings.of(context.getPropertiesComponent());
        String value = settings.text(PROPERTY);
        int threads;
        if (value.isEmpty() || value.equalsIgnoreCase("auto")) {
            if (schedules == 0) {
                return; // no schedule starts: no scheduler is needed
            }
            threads = schedules;
        } else {
            threads = settings.wholeInt(PROPERTY, 1, Integer.MAX_VALUE,
                    "auto (one thread per schedule) or a number of threads of at least 1");
            if (threads < schedules) {
                LOG.warn("{}={} is fewer than the {} schedules: while some wait (for a rate limit, say), the others may "
                        + "wait for a thread; set it to auto or at least {}", VARIABLE, threads, schedules, schedules);
            }
        }
        QuartzComponent quartz = context.getComponent("quartz", QuartzComponent.class);
        if (quartz.getPropertiesFile() != null || quartz.getPropertiesRef() != null) {
            LOG.warn("{} is not applied: camel.component.quartz.properties-file or properties-ref configures Quartz "
                    + "(set {} there)", VARIABLE, THREAD_COUNT);
            return;
        }
        Map<Object, Object> properties = QuartzProperties.of(quartz);
        properties.put(THREAD_COUNT, String.valueOf(threads));
        quartz.setProperties(properties);
        LOG.debug("Quartz: {} threads for {} schedules", threads, schedules);
    }

    /** The schedule routes that will start: their input is a Quartz endpoint and they were not switched off. */
    private static int schedules(CamelContext context) {
        int count = 0;
        for (RouteDefinition route : ((ModelCamelContext) context).getRouteDefinitions()) {
            String uri = route.getInput() == null ? null : route.getInput().getEndpointUri();
            if (uri != null && uri.startsWith("quartz:") && !"false".equals(route.getAutoStartup())) {
                count++;
            }
        }
        return count;
    }
}
