package org.yofacturoyampi.routes.delivery;

import org.apache.camel.Exchange;
import org.yofacturoyampi.routes.trigger.SyncReport;

/**
 * The check a database-backed delivery state makes for one record: is the fingerprint delivered for it the record's
 * fingerprint? An unreachable state abandons the run, so that it ends at its next record
 * ({@code TenantIdempotentRepository}). A record that is not known gets the exchange variable
 * {@link DeliveryStateRepository#CHANGE}: {@code new} or {@code changed}.
 */
public final class FingerprintCheck {

    /** The fingerprint delivered for the record, or null; throws when the state cannot be reached. */
    @FunctionalInterface
    public interface Previous {
        String fingerprint() throws DeliveryStateUnavailableException;
    }

    private FingerprintCheck() {
    }

    public static boolean known(Exchange exchange, DeliveryKey key, Previous previous) {
        // a run already abandoned ended before this, in TenantIdempotentRepository, which every feed's state is behind
        SyncReport run = SyncReport.of(exchange);
        String delivered;
        try {
            delivered = previous.fingerprint();
        } catch (DeliveryStateUnavailableException e) {
            if (run != null) {
                run.abandon(e);
            }
            throw e;
        }
        boolean known = key.fingerprint().equals(delivered);
        if (!known) {
            exchange.setVariable(DeliveryStateRepository.CHANGE, delivered == null ? "new" : "changed");
        }
        return known;
    }
}
