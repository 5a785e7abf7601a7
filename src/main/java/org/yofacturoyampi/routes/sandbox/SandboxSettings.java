package org.yofacturoyampi.routes.sandbox;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the sandbox simulates: credentials it accepts, session lifetime, how much data it generates, and how long
 * each answer takes (a fixed latency plus a random jitter; none by default).
 */
public final class SandboxSettings {

    /** Sizes of one simulated Yampi account. */
    public record YampiAccount(int contacts, int conversations, int inboxes, int labels, int agents, int teams) {
    }

    final int port;
    final String yofacturoApiKey;
    final Duration sessionLifetime;
    final int batchCount;
    final Integer invoicesPerBatch;
    final String yampiUserToken;
    final String yampiBotToken;
    final String yampiPlatformToken;
    final Map<Long, YampiAccount> yampiAccounts;
    final Duration latency;
    final Duration latencyJitter;

    private SandboxSettings(Builder b) {
        port = b.port;
        yofacturoApiKey = b.yofacturoApiKey;
        sessionLifetime = b.sessionLifetime;
        batchCount = b.batchCount;
        invoicesPerBatch = b.invoicesPerBatch;
        yampiUserToken = b.yampiUserToken;
        yampiBotToken = b.yampiBotToken;
        yampiPlatformToken = b.yampiPlatformToken;
        yampiAccounts = Map.copyOf(b.yampiAccounts);
        latency = b.latency;
        latencyJitter = b.latencyJitter;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The invoice batches generated at start. */
    public int batchCount() {
        return batchCount;
    }

    public String yofacturoApiKey() {
        return yofacturoApiKey;
    }

    public String yampiUserToken() {
        return yampiUserToken;
    }

    public String yampiBotToken() {
        return yampiBotToken;
    }

    public String yampiPlatformToken() {
        return yampiPlatformToken;
    }

    public Map<Long, YampiAccount> yampiAccounts() {
        return yampiAccounts;
    }

    public static final class Builder {
        private int port;
        private String yofacturoApiKey = "org_test_sandbox_key_not_a_secret";
        private Duration sessionLifetime = Duration.ofHours(24);
        private int batchCount = 300;
        private Integer invoicesPerBatch;
        private String yampiUserToken = "yampi_test_user_token_not_a_secret";
        private String yampiBotToken = "yampi_test_bot_token_not_a_secret";
        private String yampiPlatformToken = "yampi_test_platform_token_not_a_secret";
        private final Map<Long, YampiAccount> yampiAccounts = new LinkedHashMap<>(
                Map.of(1L, new YampiAccount(40, 60, 3, 4, 5, 2)));
        private Duration latency = Duration.ZERO;
        private Duration latencyJitter = Duration.ZERO;

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder yofacturoApiKey(String key) {
            this.yofacturoApiKey = key;
            return this;
        }

        public Builder sessionLifetime(Duration lifetime) {
            this.sessionLifetime = lifetime;
            return this;
        }

        public Builder batchCount(int count) {
            this.batchCount = count;
            return this;
        }

        /** A fixed number of invoices in every batch; by default each batch has 1 to 3. */
        public Builder invoicesPerBatch(int count) {
            this.invoicesPerBatch = count;
            return this;
        }

        public Builder yampiUserToken(String token) {
            this.yampiUserToken = token;
            return this;
        }

        public Builder yampiBotToken(String token) {
            this.yampiBotToken = token;
            return this;
        }

        public Builder yampiPlatformToken(String token) {
            this.yampiPlatformToken = token;
            return this;
        }

        /** Replaces the simulated Yampi accounts. */
        public Builder yampiAccounts(Map<Long, YampiAccount> accounts) {
            this.yampiAccounts.clear();
            this.yampiAccounts.putAll(accounts);
            return this;
        }

        /**
         * Every answer takes {@code fixed} plus a random part of {@code jitter} (0 to jitter), as a real API's do;
         * both zero by default (loopback speed).
         */
        public Builder latency(Duration fixed, Duration jitter) {
            if (fixed.isNegative() || jitter.isNegative()) {
                throw new IllegalArgumentException("a latency cannot be negative");
            }
            this.latency = fixed;
            this.latencyJitter = jitter;
            return this;
        }

        public SandboxSettings build() {
            return new SandboxSettings(this);
        }
    }
}
