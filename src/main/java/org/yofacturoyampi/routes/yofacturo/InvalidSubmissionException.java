package org.yofacturoyampi.routes.yofacturo;

/** An inbound message that cannot be submitted as it is (not JSON, no external id...); the message says what to fix. */
public final class InvalidSubmissionException extends RuntimeException {

    public InvalidSubmissionException(String message) {
        super(message, null, false, false);
    }
}
