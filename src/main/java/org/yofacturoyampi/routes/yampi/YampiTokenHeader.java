package org.yofacturoyampi.routes.yampi;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Puts the Yampi token in the {@code api_access_token} header (never {@code Authorization}). A processor, so that
 * Camel's TRACE logging of bean results never sees the token.
 */
public final class YampiTokenHeader implements Processor {

    public static final String HEADER = "api_access_token";

    private final String token;

    public YampiTokenHeader(String token) {
        this.token = token;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setHeader(HEADER, token);
    }

    @Override
    public String toString() {
        return "YampiTokenHeader[token=***]";
    }
}
