package org.yofacturoyampi.routes.yofacturo;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Sets the body of the sessions call, the only place the api key travels (a processor: its result is not logged). */
public final class SessionRequestBody implements Processor {

    private final YoFacturoCredentials credentials;

    public SessionRequestBody(YoFacturoCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        exchange.getMessage().setBody(credentials.sessionRequestBody());
    }
}
