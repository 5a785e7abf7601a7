package org.yofacturoyampi.routes.delivery;

/** A key of the delivery state as {@link RecordKey} makes it: {@code "<record id>\t<fingerprint>"}, read back. */
public record DeliveryKey(String recordId, String fingerprint) {

    public static DeliveryKey parse(String key) {
        int tab = key.lastIndexOf('\t');
        if (tab <= 0 || tab == key.length() - 1 || key.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("delivery key must be '<record id>\\t<fingerprint>'");
        }
        return new DeliveryKey(key.substring(0, tab), key.substring(tab + 1));
    }
}
