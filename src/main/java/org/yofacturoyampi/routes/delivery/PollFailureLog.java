package org.yofacturoyampi.routes.delivery;

import static org.yofacturoyampi.routes.RouteVariables.PAGE;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.OutOfMemoryExit;
import org.yofacturoyampi.routes.trigger.SyncReport;

/** One WARN line when a poll cycle stops early, naming the feed and the cause, without a stack trace. */
public final class PollFailureLog {

    private static final Logger LOG = LoggerFactory.getLogger(PollFailureLog.class);

    public void report(Exchange exchange) {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        OutOfMemoryExit.ifOutOfMemory(cause);
        SyncReport run = SyncReport.of(exchange);
        if (run != null && (DeliveryStateUnavailableException.in(cause) != null || run.endedBy(cause))
                && !run.sayAbandonOnce()) {
            return; // said once for the run, not again for each account or record of the page
        }
        Object page = exchange.getVariable(PAGE);
        String stopped = "poll stopped" + (page == null ? "" : " at page " + page) + ": " + FailureDescription.of(cause);
        LOG.warn("{}: {}; the next poll starts over and skips what was delivered", feed(exchange), stopped);
        SyncReport.error(exchange, stopped);
    }

    /** The poll did not start (no session: the token cache already said why, once); DEBUG only. */
    public void skipped(Exchange exchange) {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        String skipped = "poll skipped: " + (cause == null ? "" : cause.getMessage());
        LOG.debug("{}: {}", feed(exchange), skipped);
        SyncReport.error(exchange, skipped);
    }

    private static String feed(Exchange exchange) {
        SyncReport report = SyncReport.of(exchange);
        return report != null ? report.feed() : exchange.getFromRouteId();
    }
}
