package org.yofacturoyampi.routes.paging;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.yofacturoyampi.routes.trigger.SyncReport;
import org.apache.camel.Processor;

/**
 * Reads one answer of a list endpoint: replaces the body with the page's records as {@link ApiRecord}s and sets the
 * exchange variable {@value #NEXT_PAGE} to the next page number, or removes it when this was the last page. Reads the
 * current page number from the variable {@value #PAGE}. The page's record ids go to the variable {@link PageIds#VARIABLE}.
 */
public final class PageReader implements Processor {

    public static final String PAGE = "page";
    public static final String NEXT_PAGE = "nextPage";
    /** After this many unreadable pages in a row a walk stops (the next poll tries again). */
    static final int MAX_UNREADABLE_IN_A_ROW = 3;
    private static final String UNREADABLE = "unreadablePages";

    private final ObjectMapper json;
    private final String recordsPointer;
    private final String idField;
    private final PagingRule paging;

    /**
     * @param recordsPointer JSON pointer to the records ({@code /data}, {@code /data/payload}, {@code ""} for a bare
     *                       array or for a single object that is itself the record)
     * @param idField        the field holding each record's id
     */
    public PageReader(ObjectMapper json, String recordsPointer, String idField, PagingRule paging) {
        this.json = json;
        this.recordsPointer = recordsPointer;
        this.idField = idField;
        this.paging = paging;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        SyncReport run = SyncReport.of(exchange);
        if (run != null && run.abandoned() != null) {
            // the delivery state went away during the last page: the walk ends here, in the poll's one line
            throw run.abandoned();
        }
        JsonNode answer = parse(exchange.getMessage().getBody(byte[].class));
        JsonNode found = answer.at(recordsPointer);
        List<ApiRecord> records = new ArrayList<>();
        if (found.isArray()) {
            for (JsonNode record : found) {
                records.add(toRecord(record));
            }
        } else if (found.isObject()) {
            records.add(toRecord(found));
        } else {
            throw new UnexpectedAnswerException("answer has no records at '" + recordsPointer + "'");
        }
        Integer page = exchange.getVariable(PAGE, 1, Integer.class);
        Integer next = paging.nextPage(answer, page, records.size());
        if (next == null) {
            exchange.removeVariable(NEXT_PAGE);
        } else {
            exchange.setVariable(NEXT_PAGE, next);
        }
        exchange.removeVariable(UNREADABLE);
        exchange.setVariable(PageIds.VARIABLE, new PageIds(records.stream().map(ApiRecord::getId).toList()));
        exchange.getMessage().setBody(records);
        SyncReport report = SyncReport.of(exchange);
        if (report != null) {
            report.page(records.size());
        }
    }

    /**
     * The page could not be read (it went to the dead letters): go on with the next one, unless several in a row
     * failed. A page past the end answers an empty list, which ends the walk.
     */
    public void skipUnreadable(Exchange exchange) {
        int inARow = exchange.getVariable(UNREADABLE, 0, Integer.class) + 1;
        int page = exchange.getVariable(PAGE, 1, Integer.class);
        if (inARow >= MAX_UNREADABLE_IN_A_ROW) {
            exchange.removeVariable(NEXT_PAGE);
            exchange.removeVariable(UNREADABLE);
        } else {
            exchange.setVariable(UNREADABLE, inARow);
            exchange.setVariable(NEXT_PAGE, page + 1);
        }
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new UnexpectedAnswerException("answer is empty, expected JSON");
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new UnexpectedAnswerException("answer is not JSON (" + body.length + " bytes)");
        }
    }

    private ApiRecord toRecord(JsonNode record) throws IOException {
        JsonNode id = record.get(idField);
        if (id == null || id.isNull() || id.isContainerNode()) {
            throw new UnexpectedAnswerException("a record has no '" + idField + "' field");
        }
        return new ApiRecord(id.asText(), json.writeValueAsString(record));
    }
}
