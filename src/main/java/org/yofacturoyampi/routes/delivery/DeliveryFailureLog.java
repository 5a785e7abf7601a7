package org.yofacturoyampi.routes.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.tenant.Tenants;
import org.yofacturoyampi.routes.trigger.SyncReport;

/**
 * One WARN line when a record could not be delivered: which feed and tenant, which record, which downstream, why
 * (the downstream URI with any password masked). The record is not marked delivered, so a later poll delivers it.
 */
public final class DeliveryFailureLog {

    public static final String RECORD_KIND = "recordKind";
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFailureLog.class);

    public void report(Exchange exchange) {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        String kind = exchange.getVariable(RECORD_KIND, "record", String.class);
        Object id = exchange.getVariable(RecordKey.RECORD_ID);
        String downstream = exchange.getProperty(ExchangePropertyKey.FAILURE_ENDPOINT, String.class);
        if (downstream == null) {
            downstream = exchange.getProperty(ExchangePropertyKey.TO_ENDPOINT, String.class);
        }
        String failure = kind + " " + id + " not delivered"
                + (downstream == null ? "" : " to " + URISupport.sanitizeUri(downstream)) + ": " + FailureDescription.of(cause);
        SyncReport run = SyncReport.of(exchange);
        String feed = run != null ? run.feed() : exchange.getFromRouteId();
        String tenant = Tenants.idOf(exchange);
        LOG.warn("{} (tenant {}): {}; it stays pending and is retried at the next poll", feed,
                tenant == null ? Tenants.DEFAULT : tenant, failure);
        SyncReport.error(exchange, failure);
    }
}
