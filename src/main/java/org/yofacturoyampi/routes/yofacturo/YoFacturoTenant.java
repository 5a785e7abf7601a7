package org.yofacturoyampi.routes.yofacturo;

import org.yofacturoyampi.routes.delivery.DeliveryState;
import org.yofacturoyampi.routes.http.RateLimitGate;
import org.yofacturoyampi.routes.http.RequestSlots;

/**
 * One YoFacturo organisation: its key, its session cache, its rate-limit wait (limits are per organisation), the
 * requests it may have in flight at once, and its delivery state. {@code outputPath} is where its records go under OUTPUT_DIR ({@code yofacturo}, or
 * {@code yofacturo/<tenant>} when several organisations are configured).
 */
public record YoFacturoTenant(String id, String keyVariable, YoFacturoCredentials credentials, SessionTokenCache sessions,
        BearerHeader bearer, ReauthenticateOnRetry reauthenticate, SessionRequestBody sessionRequest,
        RateLimitGate rateLimit, RequestSlots slots, DeliveryState batchState, DeliveryState invoiceState,
        String outputPath) {

    public boolean isConfigured() {
        return credentials.isConfigured();
    }
}
