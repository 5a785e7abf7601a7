package org.yofacturoyampi.routes.sink;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.tenant.Tenants;
import org.yofacturoyampi.routes.trigger.SyncReport;

/**
 * Says which table refused which records and why: one WARN line per run and table (the database's reason, first
 * line: never a password, never the row), and each record refused as an error of the run's report. The records stay
 * pending: their rows were not written, so the next run delivers them again.
 */
final class SinkRefusals {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRefusals.class);

    /** The tables already said per run (weak: a run's report goes with its run). */
    private final Map<SyncReport, Set<String>> said = new WeakHashMap<>();

    void report(Exchange exchange, String table, List<SinkWriter.Refusal> refused) {
        if (refused.isEmpty()) {
            return;
        }
        SyncReport run = SyncReport.of(exchange);
        for (SinkWriter.Refusal refusal : refused) {
            SyncReport.error(exchange, "record " + refusal.row().recordId() + " not delivered: the table " + table
                    + " refused it: " + refusal.reason());
        }
        if (firstTime(run, table)) {
            SinkWriter.Refusal first = refused.get(0);
            String tenant = first.row().tenant() != null ? first.row().tenant() : Tenants.idOf(exchange);
            LOG.warn("{} (tenant {}): the table {} refused {} record{} ({}: {}); {} pending and {} tried again at "
                    + "the next poll (said once per run and table)", run != null ? run.feed() : exchange.getFromRouteId(),
                    tenant == null ? Tenants.DEFAULT : tenant, table, refused.size(), refused.size() == 1 ? "" : "s",
                    first.row().recordId(), first.reason(), refused.size() == 1 ? "it stays" : "they stay",
                    refused.size() == 1 ? "is" : "are");
        }
    }

    private boolean firstTime(SyncReport run, String table) {
        if (run == null) {
            return true;
        }
        synchronized (said) {
            return said.computeIfAbsent(run, r -> ConcurrentHashMap.newKeySet()).add(table);
        }
    }
}
