package org.yofacturoyampi.routes.delivery;

/**
 * The delivery state cannot be read or written (the cluster's database is away). Not a problem of one record: the run
 * ends in one line (see {@link DeliveryFailureLog}) and the next run starts over, skipping what was marked.
 */
public final class DeliveryStateUnavailableException extends RuntimeException {

    public DeliveryStateUnavailableException(String message) {
        super(message, null, false, false);
    }

    /** This exception in {@code failure}'s chain of causes (Camel wraps what a split's part threw), or null. */
    public static DeliveryStateUnavailableException in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DeliveryStateUnavailableException unavailable) {
                return unavailable;
            }
        }
        return null;
    }
}
