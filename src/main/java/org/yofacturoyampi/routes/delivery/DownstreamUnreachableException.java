package org.yofacturoyampi.routes.delivery;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * A feed's downstream cannot be reached (a Kafka broker that acknowledges nothing within the delivery timeout, a host
 * that refuses connections or is unknown). Not a problem of one record: the run ends at its next record instead of
 * making each of the others wait for the same timeout, what it did not deliver stays pending, and the next run tries
 * again (see {@link DeliveryFailureLog}).
 */
public final class DownstreamUnreachableException extends RuntimeException {

    public DownstreamUnreachableException(String message) {
        super(message, null, false, false);
    }

    /** True if {@code failure}'s chain of causes says the other end could not be reached at all. */
    public static boolean isUnreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException || t instanceof NetworkException || t instanceof ConnectException
                    || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }
}
