package org.yofacturoyampi.routes;

import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;

/** The route groups of the route files ({@code group: yofacturo}, {@code group: yampi}...). */
public final class RouteGroups {

    private RouteGroups() {
    }

    /** Keeps every route of {@code group} from starting (an API without credentials); how many routes that was. */
    public static int switchOff(CamelContext context, String group) {
        int count = 0;
        for (RouteDefinition route : ((ModelCamelContext) context).getRouteDefinitions()) {
            if (group.equals(route.getGroup())) {
                route.setAutoStartup("false");
                count++;
            }
        }
        return count;
    }
}
