package org.yofacturoyampi.routes.yofacturo;

/** No YoFacturo session can be had right now; the message says why and what to fix, never a secret. */
public final class SessionUnavailableException extends RuntimeException {

    public SessionUnavailableException(String message) {
        super(message, null, false, false);
    }
}
