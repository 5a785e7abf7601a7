package org.yofacturoyampi.routes.yampi;

/**
 * A Yampi request not sent: Yampi rejected the token (401 Invalid Access Token) while the request waited for one of
 * the token's request slots. Its walk ends quietly; the rejection was said once, by {@link YampiRefusals}.
 */
public final class TokenRejectedException extends RuntimeException {

    public TokenRejectedException(String tenant) {
        super("not sent: Yampi rejected the token of " + tenant, null, false, false);
    }
}
