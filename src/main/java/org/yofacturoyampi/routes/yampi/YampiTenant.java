package org.yofacturoyampi.routes.yampi;

import java.util.List;

import org.yofacturoyampi.routes.delivery.DeliveryState;
import org.yofacturoyampi.routes.http.RateLimitGate;
import org.yofacturoyampi.routes.http.RequestSlots;

/**
 * One Yampi token with its accounts: its kind, the resources it polls, its delivery state, rate-limit wait and the
 * requests it may have in flight at once.
 * {@code missing} names the variables still to set (empty: configured); {@code outputPath} is where its records go
 * under OUTPUT_DIR ({@code yampi}, or {@code yampi/<tenant>} when several tokens are configured).
 */
public record YampiTenant(String id, YampiTokenHeader token, YampiTokenKind kind, List<String> accountIds,
        List<YampiResource> polled, DeliveryState state, RateLimitGate rateLimit, RequestSlots slots, String outputPath,
        List<String> missing) {

    public boolean isConfigured() {
        return missing.isEmpty();
    }
}
