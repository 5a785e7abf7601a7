package org.yofacturoyampi.routes.delivery;

/**
 * Thrown, after {@link InboundFailureLog} said why, to leave an inbound message unhandled: a file stays in its folder,
 * a broker redelivers. The route configuration {@code inbound-errors} lets it pass without another log line.
 */
public final class RetryLaterException extends RuntimeException {

    public RetryLaterException(String message) {
        super(message, null, false, false);
    }
}
