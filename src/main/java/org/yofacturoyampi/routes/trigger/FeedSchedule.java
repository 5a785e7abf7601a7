package org.yofacturoyampi.routes.trigger;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.model.ModelCamelContext;

/** The schedule route of one feed, made from the route template {@value #TEMPLATE} (routes/sync.yaml). */
public final class FeedSchedule {

    static final String TEMPLATE = "feed-schedule";

    private FeedSchedule() {
    }

    /**
     * @param api the feed's API (yofacturo, yampi): its schedule ({@code <api>.poll-cron}), the group of its Quartz
     *            job and of the route
     */
    public static void add(CamelContext context, String routeId, String feed, String api) {
        String id = TemplatedRouteBuilder.builder(context, TEMPLATE).routeId(routeId).parameter("feed", feed)
                .parameter("api", api).add();
        // a template's parameters are not resolved in its route's group: the group is set here, as it was in the
        // template of each API before there was one template for both (RouteGroups.switchOff reads it)
        ((ModelCamelContext) context).getRouteDefinition(id).setGroup(api);
    }
}
