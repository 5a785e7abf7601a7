package org.yofacturoyampi.routes.sink;

import org.yofacturoyampi.routes.paging.PageIds;

/**
 * One record on its way into its table: the row's values, where it sits ({@link SinkTables.Place}) and the page it
 * came on (null when it came alone). The fingerprint is the delivery state's, from the idempotent consumer's key.
 */
record SinkRow(SinkTables.Place place, String tenant, String id, String parentId, String json, String fingerprint,
        PageIds page) {

    SinkRow withTenantAndFingerprint(String tenantId, String print) {
        return new SinkRow(place, tenantId, id, parentId, json, print, page);
    }

    String table() {
        return place.table();
    }

    String recordId() {
        return place.recordId();
    }
}
