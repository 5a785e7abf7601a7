package org.yofacturoyampi.routes.health;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of one configured API: DOWN, with the reason (never a secret), while its credential does not give access,
 * e.g. no valid YoFacturo session, or a Yampi token that was rejected. Liveness is left to Camel's own checks.
 */
public final class CredentialHealth extends AbstractHealthCheck {

    /** What is wrong right now, or null when all is well. */
    private final Supplier<String> problem;

    public CredentialHealth(String id, Supplier<String> problem) {
        super("yofacturo-yampi-routes", id);
        this.problem = problem;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String wrong = problem.get();
        if (wrong == null) {
            builder.up();
        } else {
            builder.message(wrong).down();
        }
    }
}
