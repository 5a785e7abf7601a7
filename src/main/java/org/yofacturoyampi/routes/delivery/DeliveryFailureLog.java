package org.yofacturoyampi.routes.delivery;

import java.util.stream.Stream;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.tenant.Tenants;
import org.yofacturoyampi.routes.trigger.SyncReport;

/**
 * One WARN line when a record could not be delivered: which feed and tenant, which record, which downstream (or, for
 * a batch whose invoices could not be walked, which API call), why (the URI with any password masked). The record is not marked delivered, so a later poll delivers it.
 */
public final class DeliveryFailureLog {

    public static final String RECORD_KIND = "recordKind";
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFailureLog.class);

    public void report(Exchange exchange) {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        DeliveryStateUnavailableException stateAway = DeliveryStateUnavailableException.in(cause);
        if (stateAway != null) {
            // not this record's problem: the run ends at its next page, in one line (PollFailureLog), and the next
            // run starts over
            SyncReport run = SyncReport.of(exchange);
            if (run != null) {
                run.abandon(stateAway);
            }
            return;
        }
        String kind = exchange.getVariable(RECORD_KIND, "record", String.class);
        Object id = exchange.getVariable(RecordKey.RECORD_ID);
        String downstream = exchange.getProperty(ExchangePropertyKey.FAILURE_ENDPOINT, String.class);
        if (downstream == null) {
            downstream = exchange.getProperty(ExchangePropertyKey.TO_ENDPOINT, String.class);
        }
        String where = downstream == null ? ""
                : (isApiCall(exchange, downstream) ? ": the API call " : " to ") + URISupport.sanitizeUri(downstream);
        String failure = kind + " " + id + " not delivered" + where + ": " + FailureDescription.of(cause);
        SyncReport run = SyncReport.of(exchange);
        String feed = run != null ? run.feed() : exchange.getFromRouteId();
        String tenant = Tenants.idOf(exchange);
        LOG.warn("{} (tenant {}): {}; it stays pending and is retried at the next poll", feed,
                tenant == null ? Tenants.DEFAULT : tenant, failure);
        SyncReport.error(exchange, failure);
    }

    /** A batch is delivered with its invoices: what failed may be the walk of those, a call to the API, not the sink. */
    private static boolean isApiCall(Exchange exchange, String endpoint) {
        var properties = exchange.getContext().getPropertiesComponent();
        return Stream.of("yofacturo.base-url", "yampi.api-host")
                .map(key -> properties.resolveProperty(key).orElse("").trim())
                .anyMatch(api -> !api.isEmpty() && (endpoint.equals(api) || endpoint.startsWith(api + "?")));
    }
}
