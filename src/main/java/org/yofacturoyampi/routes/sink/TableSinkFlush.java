package org.yofacturoyampi.routes.sink;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.yofacturoyampi.routes.delivery.DeliveryStateUnavailableException;
import org.yofacturoyampi.routes.paging.PageIds;
import org.yofacturoyampi.routes.trigger.SyncReport;

/**
 * The end of a page (bean {@code tableSinkFlush}, after each page's split in the routes): the rows of the records the
 * page delivered go into their table in one statement, which is also their mark. A table that cannot be reached leaves
 * the page's records pending and ends the run (in one line); rows refused stay pending and are said once per run.
 */
final class TableSinkFlush implements Processor {

    private final PageRows pageRows;
    private final SinkWriter writer;
    private final SinkRefusals refusals;

    TableSinkFlush(PageRows pageRows, SinkWriter writer, SinkRefusals refusals) {
        this.pageRows = pageRows;
        this.writer = writer;
        this.refusals = refusals;
    }

    @Override
    public void process(Exchange exchange) {
        PageIds page = exchange.getVariable(PageIds.VARIABLE, PageIds.class);
        List<SinkRow> rows = pageRows.take(page);
        if (rows.isEmpty()) {
            return;
        }
        Map<String, List<SinkRow>> byTable = new LinkedHashMap<>();
        rows.forEach(row -> byTable.computeIfAbsent(row.table(), t -> new ArrayList<>()).add(row));
        for (Map.Entry<String, List<SinkRow>> table : byTable.entrySet()) {
            List<SinkWriter.Refusal> refused;
            try {
                refused = writer.write(table.getKey(), table.getValue());
            } catch (DeliveryStateUnavailableException e) {
                SyncReport run = SyncReport.of(exchange);
                if (run != null) {
                    run.abandon(e);
                }
                throw e;
            }
            refusals.report(exchange, table.getKey(), refused);
            childrenWritten(page, table.getKey(), table.getValue(), refused);
        }
    }

    /** Invoices went in: the page of batches above knows their batches have rows now (no lookup skipped wrongly). */
    private static void childrenWritten(PageIds page, String table, List<SinkRow> rows,
            List<SinkWriter.Refusal> refused) {
        if (page.parent() == null) {
            return;
        }
        List<SinkRow> out = refused.stream().map(SinkWriter.Refusal::row).toList();
        for (SinkRow row : rows) {
            int slash = row.place().key().indexOf('/');
            if (slash > 0 && !out.contains(row)) {
                page.parent().childMarked(SinkTables.scope(row.tenant(), table), row.place().key().substring(0, slash));
            }
        }
    }
}
