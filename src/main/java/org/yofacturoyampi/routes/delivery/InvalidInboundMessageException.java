package org.yofacturoyampi.routes.delivery;

/**
 * An inbound message (a batch to submit, a Yampi message to post) that cannot be sent as it is: not JSON, no external
 * id, no content...; the message says what to fix. It goes to the errors once, as "invalid", and is never retried.
 */
public final class InvalidInboundMessageException extends RuntimeException {

    public InvalidInboundMessageException(String message) {
        super(message, null, false, false);
    }
}
