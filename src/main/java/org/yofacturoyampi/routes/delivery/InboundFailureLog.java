package org.yofacturoyampi.routes.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.component.file.FileComponent;
import org.apache.camel.component.file.GenericFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An inbound message (a batch to submit, a message to post) that failed for a passing reason (the API down after
 * retries, no session yet): it stays where it is (a file stays in its folder; a Kafka record is read again, its offset not
 * committed; another broker redelivers) and is tried again at the next poll. One WARN line says so, no stack trace.
 */
public final class InboundFailureLog {

    private static final Logger LOG = LoggerFactory.getLogger(InboundFailureLog.class);

    public void report(Exchange exchange) {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        LOG.warn("{}: {} not sent: {}; it stays and is tried again at the next poll", exchange.getFromRouteId(),
                nameOf(exchange), FailureDescription.of(cause));
    }

    /** How a log line names the inbound message: its file name, the Kafka record, or else the exchange. */
    public static String nameOf(Exchange exchange) {
        // the file name header may be gone (the HTTP call drops headers); the consumed file stays a property
        GenericFile<?> consumed = exchange.getProperty(FileComponent.FILE_EXCHANGE_FILE, GenericFile.class);
        if (consumed != null) {
            return consumed.getFileName();
        }
        return InboundSource.isKafka(exchange) ? "Kafka record " + InboundSource.nameOf(exchange).substring(
                InboundSource.KAFKA.length()) : "message " + exchange.getExchangeId();
    }
}
