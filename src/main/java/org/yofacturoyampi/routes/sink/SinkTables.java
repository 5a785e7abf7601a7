package org.yofacturoyampi.routes.sink;

import java.util.List;

/**
 * Which table holds a record of a delivery state, and under which key: one table per kind of record
 * ({@code yofacturo_invoice_batches}, {@code yofacturo_batch_invoices}, {@code yampi_<resource>}, made by the
 * migrations in {@code db/sink}). The state's record id is the table's {@code record_key} after a prefix: nothing for
 * YoFacturo ({@code <batch>}, {@code <batch>/<invoice>}), the resource for Yampi ({@code contacts/<account>/<id>} is
 * {@code <account>/<id>} in {@code yampi_contacts}). What is not a record (a conversation's message cursor) has no
 * table.
 */
final class SinkTables {

    static final String INVOICE_BATCHES = "yofacturo-invoice-batches";
    static final String BATCH_INVOICES = "yofacturo-batch-invoices";
    static final String YAMPI = "yampi";
    /** The Yampi resources migration V1 made a table for (yampi_<resource>); no other name enters SQL. */
    static final List<String> YAMPI_RESOURCES = List.of("account", "conversations", "contacts", "inboxes", "agents",
            "teams", "labels", "canned_responses", "account_users", "messages");

    private SinkTables() {
    }

    /** Where a record sits: {@code prefix + key} is the state's record id. */
    record Place(String table, String prefix, String key) {

        String recordId() {
            return prefix + key;
        }
    }

    /** The place of this record id of this delivery state, or null when it is not a record kept in a table. */
    static Place place(String feed, String recordId) {
        switch (feed) {
            case INVOICE_BATCHES:
                return new Place("yofacturo_invoice_batches", "", recordId);
            case BATCH_INVOICES:
                return new Place("yofacturo_batch_invoices", "", recordId);
            case YAMPI:
                int slash = recordId.indexOf('/');
                if (slash <= 0) {
                    return null;
                }
                String resource = recordId.substring(0, slash);
                return YAMPI_RESOURCES.contains(resource)
                        ? new Place("yampi_" + resource, resource + "/", recordId.substring(slash + 1)) : null;
            default:
                return null;
        }
    }

    /** The tables of a delivery state: those migration V1 makes. */
    static List<String> tables(String feed) {
        return switch (feed) {
            case INVOICE_BATCHES -> List.of("yofacturo_invoice_batches");
            case BATCH_INVOICES -> List.of("yofacturo_batch_invoices");
            default -> YAMPI_RESOURCES.stream().map(r -> "yampi_" + r).toList();
        };
    }

    /** What the page lookups of a tenant's table are kept under in {@link org.yofacturoyampi.routes.paging.PageIds}. */
    static String scope(String tenant, String table) {
        return "sink\t" + tenant + '\t' + table;
    }
}
