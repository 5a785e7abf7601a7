package org.yofacturoyampi.routes.sink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.yofacturoyampi.routes.delivery.DeliveryStateUnavailableException;
import org.yofacturoyampi.routes.paging.PageIds;
import org.yofacturoyampi.routes.trigger.SyncReport;

/**
 * The end of a page (bean {@code tableSinkFlush}, after each page's split in the routes). A page of records goes into
 * its tables in one transaction, one statement per table: the rows of the pages under its records first (a page of
 * batches: the invoices of its batches), then its own, each row also its record's mark. A page under another page's
 * record (a batch's invoices) leaves its rows to the page above. A database that cannot be reached leaves the page's
 * records pending and ends the run (in one line); rows refused stay pending and are said once per run and table.
 */
final class TableSinkFlush implements Processor {

    private final PageRows pageRows;
    private final SinkWriter writer;
    private final SinkRefusals refusals;
    private final boolean withParentPage;

    /**
     * @param withParentPage whether a page under another page's record goes with that page: only when the records of
     *                       the page above go into tables too (batches and their invoices). Otherwise the page above
     *                       marks its records in the usual state as it goes, so a page under it is written at its own
     *                       end, before the record above it is marked.
     */
    TableSinkFlush(PageRows pageRows, SinkWriter writer, SinkRefusals refusals, boolean withParentPage) {
        this.pageRows = pageRows;
        this.writer = writer;
        this.refusals = refusals;
        this.withParentPage = withParentPage;
    }

    @Override
    public void process(Exchange exchange) {
        PageIds page = exchange.getVariable(PageIds.VARIABLE, PageIds.class);
        if (page == null) {
            return;
        }
        if (page.parent() != null && withParentPage) {
            pageRows.moveToParent(page);
            return;
        }
        PageRows.Rows rows = pageRows.take(page);
        if (rows.isEmpty()) {
            return;
        }
        Map<String, List<SinkRow>> byTable = new LinkedHashMap<>();
        for (List<SinkRow> part : List.of(rows.children(), rows.own())) {
            part.forEach(row -> byTable.computeIfAbsent(row.table(), t -> new ArrayList<>()).add(row));
        }
        List<SinkWriter.Refusal> refused;
        try {
            refused = writer.write(byTable);
        } catch (DeliveryStateUnavailableException e) {
            SyncReport run = SyncReport.of(exchange);
            if (run != null) {
                run.abandon(e);
            }
            throw e;
        }
        Map<String, List<SinkWriter.Refusal>> refusedByTable = new LinkedHashMap<>();
        refused.forEach(r -> refusedByTable.computeIfAbsent(r.row().table(), t -> new ArrayList<>()).add(r));
        refusedByTable.forEach((table, list) -> refusals.report(exchange, table, list));
        if (page.parent() != null && !refused.isEmpty()) {
            // the record above (a batch, marked in the usual state) must stay pending with its refused record
            throw new TableRefusedException(refused.size() + " of its records were refused by the table "
                    + refused.get(0).row().table() + ": " + refused.get(0).reason());
        }
    }
}
