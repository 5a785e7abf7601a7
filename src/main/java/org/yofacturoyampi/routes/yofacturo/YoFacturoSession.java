package org.yofacturoyampi.routes.yofacturo;

import java.time.Instant;
import java.util.Objects;

/** A YoFacturo session token and the instant it stops being accepted. {@link #toString()} never shows the token. */
public final class YoFacturoSession {

    private final String token;
    private final Instant expiresAt;

    public YoFacturoSession(String token, Instant expiresAt) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a session needs a token");
        }
        this.token = token;
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public String token() {
        return token;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public String toString() {
        return "YoFacturoSession[expiresAt=" + expiresAt + ", token=***]";
    }
}
