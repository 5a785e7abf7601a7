package org.yofacturoyampi.routes.yofacturo;

/** YoFacturo answered 401 to the sessions call: the configured api key is invalid or revoked. */
public final class ApiKeyRejectedException extends RuntimeException {

    public ApiKeyRejectedException() {
        super("YoFacturo rejected the api key (401 Invalid API key): set YOFACTURO_API_KEY to a valid org key",
                null, false, false);
    }
}
