package org.yofacturoyampi.routes.trigger;

/** An HTTP trigger without the SYNC_TOKEN: answered 401. The message never holds what was sent. */
public final class UnauthorizedTriggerException extends RuntimeException {

    public UnauthorizedTriggerException(String message) {
        super(message, null, false, false);
    }
}
