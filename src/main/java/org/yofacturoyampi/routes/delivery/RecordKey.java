package org.yofacturoyampi.routes.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.InvalidPayloadException;
import org.yofacturoyampi.routes.RouteVariables;

/**
 * The idempotent key of a record about to be delivered: its id (exchange variable {@value #RECORD_ID}) and a
 * fingerprint of its JSON body, so that any change of any field makes a new key.
 */
public final class RecordKey implements Expression {

    public static final String RECORD_ID = RouteVariables.RECORD_ID;

    public String key(Exchange exchange) throws InvalidPayloadException {
        Object id = exchange.getVariable(RECORD_ID);
        if (id == null) {
            throw new IllegalStateException("no recordId variable: the route must set it before the idempotent consumer");
        }
        return of(id, exchange.getMessage().getMandatoryBody(byte[].class));
    }

    /** The key of a record with this id and this JSON: {@code "<record id>\t<fingerprint>"} ({@link DeliveryKey}). */
    static String of(Object recordId, byte[] json) {
        return recordId + "\t" + fingerprint(json);
    }

    /** As {@link #key}, for Camel's idempotent consumer (an expression, so no bean binding runs per record). */
    @Override
    public <T> T evaluate(Exchange exchange, Class<T> type) {
        try {
            return exchange.getContext().getTypeConverter().convertTo(type, key(exchange));
        } catch (InvalidPayloadException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static String fingerprint(byte[] json) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String fingerprint(String json) {
        return fingerprint(json.getBytes(StandardCharsets.UTF_8));
    }
}
