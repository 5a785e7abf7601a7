package org.yofacturoyampi.routes.sink;

import static org.yofacturoyampi.routes.RouteVariables.ACCOUNT_ID;
import static org.yofacturoyampi.routes.RouteVariables.BATCH_ID;
import static org.yofacturoyampi.routes.RouteVariables.CONVERSATION_ID;
import static org.yofacturoyampi.routes.RouteVariables.MESSAGE_ID;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;
import org.yofacturoyampi.routes.UntrustedText;
import org.yofacturoyampi.routes.delivery.DeliveryKey;
import org.yofacturoyampi.routes.delivery.RecordKey;
import org.yofacturoyampi.routes.paging.OpenRecord;
import org.yofacturoyampi.routes.paging.PageIds;
import org.yofacturoyampi.routes.tenant.Tenants;

/**
 * The downstream of a feed whose records go into tables (its {@code ..._TO} when {@code SINK_DATABASE_URL} is set):
 * the record's row is stashed on the exchange for {@link TableDeliveryState} to write once the record is delivered
 * (row and mark are one write). A Yampi message has no idempotent consumer (its conversation's cursor moves past it
 * once it is accepted): its row is written at once, one statement per message, and a message written again after a
 * crash changes nothing (the row already holds its fingerprint).
 */
final class TableSinkRow implements Processor {

    private final String feed;
    private final SinkWriter writer;
    private final RecordKey keys = new RecordKey();

    /** @param feed the delivery state whose records this downstream takes (SinkTables.INVOICE_BATCHES, ...) */
    TableSinkRow(String feed, SinkWriter writer) {
        this.feed = feed;
        this.writer = writer;
    }

    /** Why a record has no table: for Yampi, a resource that migration V1 made no table for. */
    private String noTable(String recordId) {
        if (SinkTables.YAMPI.equals(feed) && recordId != null && recordId.indexOf('/') > 0) {
            String resource = recordId.substring(0, recordId.indexOf('/'));
            return "the table sink has no table for the Yampi resource '" + UntrustedText.echo(resource)
                    + "' (it has yampi_" + String.join(", yampi_", SinkTables.YAMPI_RESOURCES) + "): take it out of "
                    + "YAMPI_RESOURCES, or yampi out of " + SinkSettings.FEEDS_VARIABLE;
        }
        return "no table for the record " + UntrustedText.echo(String.valueOf(recordId)) + " of " + feed;
    }

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        String recordId = exchange.getVariable(RecordKey.RECORD_ID, String.class);
        SinkTables.Place place = recordId == null ? null : SinkTables.place(feed, recordId);
        if (place == null) {
            throw new IllegalStateException(noTable(recordId));
        }
        String json = exchange.getMessage().getMandatoryBody(String.class);
        if (place.table().equals("yampi_messages")) {
            writeMessage(exchange, place, json);
            return;
        }
        PageIds page = exchange.getVariable(PageIds.VARIABLE, PageIds.class);
        String name = exchange.getVariable(OpenRecord.RECORD_NAME, String.class);
        exchange.setVariable(TableDeliveryState.ROW, new SinkRow(place, null, id(exchange), parentId(exchange), json,
                null, page != null && name != null && page.contains(name) ? page : null));
    }

    private void writeMessage(Exchange exchange, SinkTables.Place place, String json) throws InvalidPayloadException {
        String tenant = Tenants.idOf(exchange);
        String fingerprint = DeliveryKey.parse(keys.key(exchange)).fingerprint();
        SinkRow row = new SinkRow(place, tenant == null ? Tenants.DEFAULT : tenant,
                exchange.getVariable(MESSAGE_ID, String.class), exchange.getVariable(CONVERSATION_ID, String.class),
                json, fingerprint, null);
        // a refusal fails the message: the conversation stays pending, said by the routes' delivery failure line
        List<SinkWriter.Refusal> refused = writer.write(place.table(), List.of(row));
        if (!refused.isEmpty()) {
            throw new TableRefusedException("the table " + place.table() + " refused it: " + refused.get(0).reason());
        }
    }

    /** The record's id as the API gave it. */
    private String id(Exchange exchange) {
        return exchange.getVariable(OpenRecord.RECORD_ID, String.class);
    }

    /** The batch of an invoice, the account of a Yampi record; none for a batch. */
    private String parentId(Exchange exchange) {
        return switch (feed) {
            case SinkTables.BATCH_INVOICES -> exchange.getVariable(BATCH_ID, String.class);
            case SinkTables.YAMPI -> exchange.getVariable(ACCOUNT_ID, String.class);
            default -> null;
        };
    }
}
