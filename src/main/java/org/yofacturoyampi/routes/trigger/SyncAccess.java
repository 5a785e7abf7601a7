package org.yofacturoyampi.routes.trigger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.apache.camel.Exchange;

/**
 * Who may ask for a run over HTTP. On a loopback address (SERVER_HOST 127.0.0.1, the default) anyone on this machine,
 * unless SYNC_TOKEN is set; beyond loopback only a request with {@code Authorization: Bearer <SYNC_TOKEN>}, and
 * without a token the sync endpoints are off (403; one start-up line says why). The token is compared in constant
 * time and never logged nor echoed.
 */
public final class SyncAccess {

    private final String host;
    private final boolean loopback;
    private final byte[] expected;

    public SyncAccess(String host, String token) {
        this.host = host;
        this.loopback = isLoopback(host);
        this.expected = token == null || token.isBlank() ? null
                : ("Bearer " + token.trim()).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether the sync endpoints run anything: on a loopback address, or with a token (else they answer 403). */
    public boolean isOpen() {
        return loopback || expected != null;
    }

    /** The one start-up line that says who may ask for runs over HTTP (no secret in it). */
    public String startupLine(String path) {
        if (!isOpen()) {
            return "POST " + path + " is off (403): the server listens on " + host + " (SERVER_HOST), beyond loopback, and "
                    + "SYNC_TOKEN is not set; set SYNC_TOKEN to use it (health and metrics stay on)";
        }
        return expected != null
                ? "POST " + path + " on " + host + " requires Authorization: Bearer <SYNC_TOKEN>"
                : "POST " + path + " on " + host + " answers anyone on this machine; set SYNC_TOKEN to require a token";
    }

    /** Refuses a request without the token (when one is set), or any where off; the Authorization header goes. */
    public void check(Exchange exchange) {
        String given = exchange.getMessage().getHeader("Authorization", String.class);
        exchange.getMessage().removeHeader("Authorization");
        if (!isOpen()) {
            throw new UnauthorizedTriggerException(403, "sync over HTTP is off: the server listens beyond loopback "
                    + "and SYNC_TOKEN is not set");
        }
        if (expected == null) {
            return;
        }
        byte[] bytes = given == null ? new byte[0] : given.trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(bytes, expected)) {
            throw new UnauthorizedTriggerException(401, given == null
                    ? "no Authorization header: send Authorization: Bearer <SYNC_TOKEN>"
                    : "the Authorization header does not hold the SYNC_TOKEN");
        }
    }
}
