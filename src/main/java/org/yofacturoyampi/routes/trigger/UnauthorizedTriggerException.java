package org.yofacturoyampi.routes.trigger;

/**
 * An HTTP trigger refused for who sent it: 401 without the SYNC_TOKEN, 403 where the sync endpoints are off (beyond
 * loopback without a SYNC_TOKEN). The message never holds what was sent.
 */
public final class UnauthorizedTriggerException extends RuntimeException {

    private final int status;

    public UnauthorizedTriggerException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The HTTP status to answer. */
    public int getStatus() {
        return status;
    }
}
