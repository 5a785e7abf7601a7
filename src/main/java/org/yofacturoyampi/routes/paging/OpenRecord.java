package org.yofacturoyampi.routes.paging;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.yofacturoyampi.routes.RouteVariables;

/**
 * Opens one {@link ApiRecord} of a split page: the body becomes the record's JSON, the exchange variable
 * {@value #RECORD_ID} its id as the API gave it and {@value #RECORD_NAME} its safe name (for file names and the
 * delivery state). A plain processor on purpose: it runs once per record, where Simple's
 * {@code ${body.id}} and {@code ${body.json}} cost a reflective call each.
 */
public final class OpenRecord implements Processor {

    public static final String RECORD_ID = RouteVariables.API_RECORD_ID;
    public static final String RECORD_NAME = RouteVariables.API_RECORD_NAME;

    @Override
    public void process(Exchange exchange) {
        ApiRecord record = exchange.getMessage().getBody(ApiRecord.class);
        if (record == null) {
            throw new IllegalStateException("openRecord expects an ApiRecord body, from a split page");
        }
        exchange.setVariable(RECORD_ID, record.getId());
        exchange.setVariable(RECORD_NAME, record.getName());
        exchange.getMessage().setBody(record.getJson());
    }
}
