package org.yofacturoyampi.routes.yofacturo;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The 401 error handler's onRedelivery step: drops the session YoFacturo refused, takes a new one (single-flight) and
 * puts it on the request that is about to be sent once more.
 */
public final class ReauthenticateOnRetry implements Processor {

    private final SessionTokenCache sessions;
    private final BearerHeader bearer;

    public ReauthenticateOnRetry(SessionTokenCache sessions, BearerHeader bearer) {
        this.sessions = sessions;
        this.bearer = bearer;
    }

    @Override
    public void process(Exchange exchange) {
        sessions.invalidateBearer(exchange.getMessage().getHeader(BearerHeader.AUTHORIZATION, String.class));
        bearer.process(exchange);
    }
}
