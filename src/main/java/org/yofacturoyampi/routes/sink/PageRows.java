package org.yofacturoyampi.routes.sink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import org.yofacturoyampi.routes.paging.PageIds;

/**
 * The rows of the records a page delivered, waiting for the page's end ({@link TableSinkFlush}) to go into their table
 * in one statement. A record's row joins its page only once the record is delivered (the idempotent consumer's add,
 * after everything the record takes, a batch's invoices included), so a record that failed never reaches the table. A
 * page whose walk stopped before its end is never written: its records stay pending, and the page is forgotten with it.
 */
final class PageRows {

    /** Weak: a page abandoned mid-way is dropped with its exchange. PageIds has identity equality. */
    private final Map<PageIds, Map<String, SinkRow>> pages = new WeakHashMap<>();

    synchronized void add(SinkRow row) {
        pages.computeIfAbsent(row.page(), p -> new LinkedHashMap<>()).put(row.tenant() + '\t' + row.recordId(), row);
    }

    /** Drops a row queued for this record (it failed after all). */
    synchronized boolean remove(PageIds page, String tenant, String recordId) {
        Map<String, SinkRow> rows = pages.get(page);
        return rows != null && rows.remove(tenant + '\t' + recordId) != null;
    }

    /** The rows of a page, taken: the page is written once. */
    synchronized List<SinkRow> take(PageIds page) {
        Map<String, SinkRow> rows = page == null ? null : pages.remove(page);
        return rows == null ? List.of() : new ArrayList<>(rows.values());
    }
}
