package org.yofacturoyampi.routes.paging;

import static org.yofacturoyampi.routes.RouteVariables.PATH;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.delivery.SafeFileName;
import org.yofacturoyampi.routes.trigger.SyncReport;
import org.apache.camel.Processor;
import org.yofacturoyampi.routes.RouteVariables;

/**
 * Reads one answer of a list endpoint: replaces the body with the page's records as {@link ApiRecord}s and sets the
 * exchange variable {@value #NEXT_PAGE} to the next page number, or removes it when this was the last page. Reads the
 * current page number from the variable {@value #PAGE}.
 * <p>
 * Every walk ends, whatever the API answers: an answer whose {@code meta.current_page} is not the page asked for stops
 * the walk, and so does a page past the walk's cap (the pages the first answer announced, plus a tenth and two for a
 * list that grows meanwhile, never more than {@value #MAX_PAGES_PROPERTY}, which is also the cap of a list that
 * announces nothing); both throw {@link WalkStoppedException}, an error of the run. A record whose id was already
 * listed in the same walk is dropped (one WARN per walk), so an id listed twice with different content is not
 * delivered twice per poll, nor as "changed" at every poll.
 * The page's record names (their safe names, as the delivery state keys them) go to the variable {@link PageIds#VARIABLE}.
 */
public final class PageReader implements Processor {

    public static final String PAGE = RouteVariables.PAGE;
    public static final String NEXT_PAGE = RouteVariables.NEXT_PAGE;
    /** The absolute cap of the pages of one walk (configuration). */
    public static final String MAX_PAGES_PROPERTY = "paging.max-pages";
    public static final int DEFAULT_MAX_PAGES = 20_000;
    /** After this many unreadable pages in a row a walk stops (the next poll tries again). */
    static final int MAX_UNREADABLE_IN_A_ROW = 3;
    private static final String UNREADABLE = "unreadablePages";
    private static final String PAGE_CAP = "pageCap";
    private static final String SEEN = "walkRecordNames";
    private static final String REPEAT_SAID = "walkRepeatSaid";
    private static final Logger LOG = LoggerFactory.getLogger(PageReader.class);

    private final ObjectMapper json;
    private final String recordsPointer;
    private final String idField;
    private final PagingRule paging;
    /** {@value #MAX_PAGES_PROPERTY}, resolved at the first page read (0 until then): configuration does not change. */
    private volatile int maxPages;

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
        int page = exchange.getVariable(PAGE, 1, Integer.class);
        if (page <= 1) {
            exchange.removeVariable(PAGE_CAP);
            exchange.removeVariable(SEEN);
            exchange.removeVariable(REPEAT_SAID);
        }
        int cap = exchange.getVariable(PAGE_CAP, maxPages(exchange), Integer.class);
        if (page > cap) {
            throw new WalkStoppedException("the walk of " + exchange.getVariable(PATH, String.class)
                    + " reached its cap of " + cap + " pages (" + capReason(exchange, cap) + ") and stops");
        }
        JsonNode answer = parse(exchange.getMessage().getBody(byte[].class));
        Integer answered = currentPage(answer);
        if (answered != null && answered != page) {
            throw new WalkStoppedException("asked for page " + page + " of " + exchange.getVariable(PATH, String.class)
                    + ", the answer is page " + answered + " (meta.current_page): the walk stops");
        }
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
        Integer next = paging.nextPage(answer, page, records.size());
        if (page <= 1) {
            Integer announced = paging.announcedPages(answer);
            if (announced != null) {
                long derived = announced + announced / 10 + 2L;
                exchange.setVariable(PAGE_CAP, (int) Math.min(derived, maxPages(exchange)));
            }
        }
        if (next == null) {
            exchange.removeVariable(NEXT_PAGE);
        } else {
            exchange.setVariable(NEXT_PAGE, next);
        }
        exchange.removeVariable(UNREADABLE);
        int read = records.size();
        List<ApiRecord> kept = onlyFirstOfEachId(exchange, records, page);
        exchange.setVariable(PageIds.VARIABLE, new PageIds(kept.stream().map(ApiRecord::getName).toList(),
                parentPage(exchange.getVariable(PageIds.VARIABLE, PageIds.class), page)));
        exchange.getMessage().setBody(kept);
        SyncReport report = SyncReport.of(exchange);
        if (report != null) {
            report.page(read);
        }
    }

    /**
     * The page whose record this walk is under: the page at hand when a walk starts (the batch's page, when its
     * invoices are walked), the same as the previous page's after that.
     */
    private static PageIds parentPage(PageIds previous, int page) {
        if (previous == null) {
            return null;
        }
        return page <= 1 ? previous : previous.parent();
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

    /** Drops the records whose id this walk already listed; the first time, one WARN line says so. */
    private List<ApiRecord> onlyFirstOfEachId(Exchange exchange, List<ApiRecord> records, int page) {
        @SuppressWarnings("unchecked")
        Set<String> seen = exchange.getVariable(SEEN, Set.class);
        if (seen == null) {
            seen = new HashSet<>();
            exchange.setVariable(SEEN, seen);
        }
        List<ApiRecord> first = new ArrayList<>(records.size());
        for (ApiRecord record : records) {
            if (seen.add(record.getName())) {
                first.add(record);
            } else if (exchange.getVariable(REPEAT_SAID) == null) {
                exchange.setVariable(REPEAT_SAID, true);
                SyncReport report = SyncReport.of(exchange);
                LOG.warn("{}: {} listed the id {} more than once in one walk (again on page {}); only its first "
                        + "record is delivered, and other repeats in this walk are not logged",
                        report != null ? report.feed() : exchange.getFromRouteId(),
                        exchange.getVariable(PATH, String.class), record.getName(), page);
            }
        }
        return first;
    }

    private static Integer currentPage(JsonNode answer) {
        JsonNode current = answer.path("meta").path("current_page");
        if (current.canConvertToInt()) {
            return current.asInt();
        }
        if (current.isTextual()) {
            try {
                return Integer.valueOf(current.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private int maxPages(Exchange exchange) {
        int resolved = maxPages;
        if (resolved == 0) {
            resolved = exchange.getContext().getPropertiesComponent().resolveProperty(MAX_PAGES_PROPERTY)
                    .map(String::trim).filter(v -> !v.isEmpty()).map(Integer::valueOf).orElse(DEFAULT_MAX_PAGES);
            maxPages = resolved;
        }
        return resolved;
    }

    private String capReason(Exchange exchange, int cap) {
        return cap < maxPages(exchange) ? "derived from the pages its first answer announced"
                : MAX_PAGES_PROPERTY + " = " + cap + ", PAGING_MAX_PAGES";
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
        return new ApiRecord(id.asText(), SafeFileName.ofJson(id), json.writeValueAsString(record));
    }
}
