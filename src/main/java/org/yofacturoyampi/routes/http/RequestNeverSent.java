package org.yofacturoyampi.routes.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.List;

import javax.net.ssl.SSLHandshakeException;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Predicate;
import org.apache.camel.util.ObjectHelper;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;

/**
 * True when the exchange failed before its request left this machine: no connection was made (refused, no route,
 * unknown host, connect or pool timeout, TLS handshake). Such a request can be sent again without the server ever
 * seeing it twice; a read timeout or a connection lost later cannot tell. The one list both the retries of a Yampi
 * message POST (routes/error-handling.yaml) and its filing (routes/yampi-messages.yaml) read.
 */
public final class RequestNeverSent implements Predicate {

    private static final List<Class<? extends IOException>> NOTHING_SENT = List.of(ConnectException.class,
            NoRouteToHostException.class, UnknownHostException.class, ConnectTimeoutException.class,
            ConnectionRequestTimeoutException.class, SSLHandshakeException.class);

    @Override
    public boolean matches(Exchange exchange) {
        Throwable failure = exchange.getException();
        if (failure == null) {
            failure = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        }
        for (Throwable t : ObjectHelper.createExceptionIterable(failure)) {
            if (NOTHING_SENT.stream().anyMatch(type -> type.isInstance(t))) {
                return true;
            }
        }
        return false;
    }
}
