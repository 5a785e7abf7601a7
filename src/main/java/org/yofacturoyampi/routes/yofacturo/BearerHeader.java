package org.yofacturoyampi.routes.yofacturo;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Puts {@code Authorization: Bearer <session token>} on the request. A processor rather than a bean method call, so
 * that Camel's TRACE logging of bean results never sees the token.
 */
public final class BearerHeader implements Processor {

    public static final String AUTHORIZATION = "Authorization";

    private final SessionTokenCache sessions;

    public BearerHeader(SessionTokenCache sessions) {
        this.sessions = sessions;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setHeader(AUTHORIZATION, "Bearer " + sessions.token());
    }
}
