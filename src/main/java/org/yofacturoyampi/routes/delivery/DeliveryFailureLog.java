package org.yofacturoyampi.routes.delivery;

import java.util.Objects;
import java.util.stream.Stream;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.OutOfMemoryExit;
import org.yofacturoyampi.routes.tenant.Tenants;
import org.yofacturoyampi.routes.trigger.SyncReport;
import org.yofacturoyampi.routes.RouteVariables;

/**
 * One WARN line when a record could not be delivered: which feed and tenant, which record, which downstream and, for a
 * file endpoint, which file (for a batch, the invoice that could not be written and where; or, for a batch whose
 * invoices could not be walked, which API call), why (the URI with any password masked). The record is not marked delivered, so a later poll delivers it.
 */
public final class DeliveryFailureLog {

    public static final String RECORD_KIND = RouteVariables.RECORD_KIND;
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFailureLog.class);

    public void report(Exchange exchange) {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        OutOfMemoryExit.ifOutOfMemory(cause);
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
        SyncReport run = SyncReport.of(exchange);
        if (run != null && run.endedBy(cause)) {
            return; // a record after the run was abandoned: the reason is said once, when the run ends
        }
        String kind = exchange.getVariable(RECORD_KIND, "record", String.class);
        Object id = exchange.getVariable(RecordKey.RECORD_ID);
        String downstream = exchange.getProperty(ExchangePropertyKey.FAILURE_ENDPOINT, String.class);
        if (downstream == null) {
            downstream = exchange.getProperty(ExchangePropertyKey.TO_ENDPOINT, String.class);
        }
        Exchange part = failedPart(exchange, cause);
        String where;
        if (part != null) {
            // one of the records delivered with this one (an invoice of a batch) could not be written downstream
            String partDownstream = endpointOf(part);
            where = ": its " + part.getVariable(RECORD_KIND, "record", String.class) + " "
                    + part.getVariable(RecordKey.RECORD_ID) + " could not be written"
                    + (partDownstream == null ? "" : " to " + downstream(part, partDownstream));
        } else {
            where = downstream == null ? ""
                    : isApiCall(exchange, downstream) ? ": the API call " + URISupport.sanitizeUri(downstream)
                    : " to " + downstream(exchange, downstream);
        }
        String failure = kind + " " + id + " not delivered" + where + ": " + FailureDescription.of(cause);
        String feed = run != null ? run.feed() : exchange.getFromRouteId();
        String tenant = Tenants.idOf(exchange);
        LOG.warn("{} (tenant {}): {}; it stays pending and is retried at the next poll", feed,
                tenant == null ? Tenants.DEFAULT : tenant, failure);
        SyncReport.error(exchange, failure);
        if (run != null && part == null && downstream != null && !isApiCall(exchange, downstream)
                && DownstreamUnreachableException.isUnreachable(cause)) {
            // the others would each wait for the same timeout: the run ends at its next record
            run.abandon(new DownstreamUnreachableException(
                    "the downstream " + URISupport.sanitizeUri(downstream) + " cannot be reached"));
        }
    }

    /** The exchange of another record, delivered with this one, whose delivery failed (a split names it), or null. */
    private static Exchange failedPart(Exchange exchange, Throwable cause) {
        Exchange part = null;
        for (Throwable t = cause; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof CamelExchangeException failed && failed.getExchange() != null
                    && failed.getExchange() != exchange && failed.getExchange().getVariable(RecordKey.RECORD_ID) != null
                    && !Objects.equals(failed.getExchange().getVariable(RecordKey.RECORD_ID),
                            exchange.getVariable(RecordKey.RECORD_ID))) {
                part = failed.getExchange();
            }
        }
        return part;
    }

    private static String endpointOf(Exchange exchange) {
        String endpoint = exchange.getProperty(ExchangePropertyKey.FAILURE_ENDPOINT, String.class);
        return endpoint != null ? endpoint : exchange.getProperty(ExchangePropertyKey.TO_ENDPOINT, String.class);
    }

    /**
     * The downstream, its password masked; for a file endpoint, without its options but with the file it was to
     * write: "file:///data/out (file /data/out/yofacturo/batch-invoices/1/7.json)".
     */
    private static String downstream(Exchange exchange, String uri) {
        String sanitized = URISupport.sanitizeUri(uri);
        try {
            Endpoint endpoint = exchange.getContext().hasEndpoint(uri);
            if (endpoint instanceof GenericFileEndpoint<?> files && files.getFileName() != null) {
                String name = files.getFileName().evaluate(exchange, String.class);
                int query = sanitized.indexOf('?');
                return (query < 0 ? sanitized : sanitized.substring(0, query)) + " (file "
                        + files.getConfiguration().getDirectory() + "/" + name + ")";
            }
        } catch (RuntimeException e) {
            // the file name could not be worked out; the endpoint alone is said
        }
        return sanitized;
    }

    /** A batch is delivered with its invoices: what failed may be the walk of those, a call to the API, not the sink. */
    private static boolean isApiCall(Exchange exchange, String endpoint) {
        var properties = exchange.getContext().getPropertiesComponent();
        return Stream.of("yofacturo.base-url", "yampi.api-host")
                .map(key -> properties.resolveProperty(key).orElse("").trim())
                .anyMatch(api -> !api.isEmpty() && (endpoint.equals(api) || endpoint.startsWith(api + "?")));
    }
}
