package org.yofacturoyampi.routes.support;

import org.apache.camel.CamelContext;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.builder.NotifyBuilder;

/**
 * A {@link NotifyBuilder} that counts the runs of a route a timer starts (a feed's schedule, the session check), and
 * only them: the splits make copies of a run's exchange that start from the same route, and would be counted too (310
 * completed exchanges for 5 polls of the conversations feed). A run's own exchange is the one without a correlation
 * id.
 */
public final class SchedulePolls {

    private SchedulePolls() {
    }

    /** Matches once {@code polls} polls of {@code scheduleRoute} completed after this call. */
    public static NotifyBuilder completed(CamelContext context, String scheduleRoute, int polls) {
        return new NotifyBuilder(context).fromRoute(scheduleRoute)
                .filter(e -> e.getProperty(ExchangePropertyKey.CORRELATION_ID) == null).whenCompleted(polls).create();
    }

    /** Matches once {@code polls} polls of {@code scheduleRoute} are done (completed or failed) after this call. */
    public static NotifyBuilder done(CamelContext context, String scheduleRoute, int polls) {
        return new NotifyBuilder(context).fromRoute(scheduleRoute)
                .filter(e -> e.getProperty(ExchangePropertyKey.CORRELATION_ID) == null).whenDone(polls).create();
    }
}
