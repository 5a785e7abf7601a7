package org.yofacturoyampi.routes.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One WARN line when a poll cycle stops early, naming the feed and the cause, without a stack trace. */
public final class PollFailureLog {

    private static final Logger LOG = LoggerFactory.getLogger(PollFailureLog.class);

    public void report(Exchange exchange) {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        Object page = exchange.getVariable("page");
        LOG.warn("{}: poll stopped{}: {}; the next poll starts over and skips what was delivered",
                exchange.getFromRouteId(), page == null ? "" : " at page " + page, FailureDescription.of(cause));
    }
}
