package org.yofacturoyampi.routes.sink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import org.yofacturoyampi.routes.paging.PageIds;

/**
 * The rows of the records a page delivered, waiting for the page's end ({@link TableSinkFlush}) to go into their
 * tables in one transaction. A record's row joins its page only once the record is delivered (the idempotent
 * consumer's add, after everything the record takes), so a record that failed never reaches the table. The rows of a
 * page read under another page's record (a batch's invoices) join that page at their page's end, as its children:
 * they are written with it, before its own rows, so a batch is never in its table without its invoices. A page whose
 * walk stopped before its end is never written: its records stay pending, and the page is forgotten with it.
 */
final class PageRows {

    /** What a page writes: the rows of the pages under its records first, then its own. */
    record Rows(List<SinkRow> children, List<SinkRow> own) {

        boolean isEmpty() {
            return children.isEmpty() && own.isEmpty();
        }
    }

    private static final class Waiting {
        private final Map<String, SinkRow> children = new LinkedHashMap<>();
        private final Map<String, SinkRow> own = new LinkedHashMap<>();
    }

    /** Weak: a page abandoned mid-way is dropped with its exchange. PageIds has identity equality. */
    private final Map<PageIds, Waiting> pages = new WeakHashMap<>();

    synchronized void add(SinkRow row) {
        pages.computeIfAbsent(row.page(), p -> new Waiting()).own.put(key(row), row);
    }

    /** Drops a row queued for this record (it failed after all). */
    synchronized boolean remove(PageIds page, String tenant, String recordId) {
        Waiting rows = pages.get(page);
        return rows != null && rows.own.remove(tenant + '\t' + recordId) != null;
    }

    /** A page under another page's record ended: its rows go with the page above, as children. */
    synchronized void moveToParent(PageIds page) {
        Waiting rows = pages.remove(page);
        if (rows == null || page.parent() == null) {
            return;
        }
        Waiting parent = pages.computeIfAbsent(page.parent(), p -> new Waiting());
        parent.children.putAll(rows.children);
        parent.children.putAll(rows.own);
    }

    /** The rows of a page, taken: the page is written once. */
    synchronized Rows take(PageIds page) {
        Waiting rows = page == null ? null : pages.remove(page);
        return rows == null ? new Rows(List.of(), List.of())
                : new Rows(new ArrayList<>(rows.children.values()), new ArrayList<>(rows.own.values()));
    }

    private static String key(SinkRow row) {
        return row.tenant() + '\t' + row.recordId();
    }
}
