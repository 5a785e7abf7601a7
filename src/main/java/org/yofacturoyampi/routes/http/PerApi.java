package org.yofacturoyampi.routes.http;

import org.yofacturoyampi.routes.RouteVariables;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.Registry;

/**
 * One step of the shared HTTP error handling (routes/error-handling.yaml) done the way the API called says: the
 * exchange variable {@value #VARIABLE} names the API ({@code yofacturo}, {@code yampi}), set by each route that calls
 * one, and this runs the bean {@code <api><Role>}, e.g. {@code yampiRateLimitWait}. So the 429 wait, the backoff and
 * the gate before each redelivery are written once for both APIs.
 */
public final class PerApi implements Processor {

    /** The exchange variable naming the API a request goes to. */
    public static final String VARIABLE = RouteVariables.API;

    private final Registry registry;
    private final String role;

    /** @param role what the bean does, as its name ends after the API's: RateLimited, RateLimitWait, HttpFailure */
    public PerApi(Registry registry, String role) {
        this.registry = registry;
        this.role = role;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String api = exchange.getVariable(VARIABLE, String.class);
        if (api == null) {
            throw new IllegalStateException("no exchange variable '" + VARIABLE + "' names the API for " + role);
        }
        Processor step = registry.lookupByNameAndType(api + role, Processor.class);
        if (step == null) {
            throw new IllegalStateException("no bean " + api + role + " for the API '" + api + "'");
        }
        step.process(exchange);
    }
}
