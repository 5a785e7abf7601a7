package org.yofacturoyampi.routes.delivery;

/**
 * The delivery state cannot be read or written (the cluster's database is away). Not a problem of one record: the run
 * ends in one line (see {@link DeliveryFailureLog}) and the next run starts over, skipping what was marked.
 */
public final class DeliveryStateUnavailableException extends RuntimeException {

    public DeliveryStateUnavailableException(String message) {
        super(message, null, false, false);
    }
}
