package org.yofacturoyampi.routes.paging;

import com.fasterxml.jackson.databind.JsonNode;

/** How a paged list says whether there is a page after this one. */
@FunctionalInterface
public interface PagingRule {

    /**
     * @param  answer  the whole answer of the page just read
     * @param  page    the number of that page (from 1)
     * @param  records how many records it held
     * @return         the next page number, or {@code null} when this was the last page
     */
    Integer nextPage(JsonNode answer, int page, int records);

    /**
     * How many pages the list says it has, read from its first answer (the walk's page cap is derived from it), or
     * {@code null} when the list does not say.
     */
    default Integer announcedPages(JsonNode firstAnswer) {
        return null;
    }

    /** The resource is one answer, not a paged list. */
    static PagingRule single() {
        return (answer, page, records) -> null;
    }

    /** YoFacturo: {@code meta.current_page} and {@code meta.total_pages}; stop when they meet (or nothing came). */
    static PagingRule totalPagesInMeta() {
        return new PagingRule() {
            @Override
            public Integer nextPage(JsonNode answer, int page, int records) {
                JsonNode meta = answer.path("meta");
                if (!meta.path("current_page").canConvertToInt() || !meta.path("total_pages").canConvertToInt()) {
                    throw new UnexpectedAnswerException("no meta.current_page / meta.total_pages in a paged answer");
                }
                int current = meta.path("current_page").asInt();
                return records > 0 && current < meta.path("total_pages").asInt() ? current + 1 : null;
            }

            @Override
            public Integer announcedPages(JsonNode firstAnswer) {
                JsonNode total = firstAnswer.path("meta").path("total_pages");
                return total.canConvertToInt() ? Math.max(0, total.asInt()) : null;
            }
        };
    }

    /** No page count: stop at an empty page or one shorter than {@code pageSize}. */
    static PagingRule untilShortPage(int pageSize) {
        return (answer, page, records) -> records == 0 || records < pageSize ? null : page + 1;
    }

    /** A total record count at {@code countPointer} (a JSON pointer) and a fixed page size. */
    static PagingRule totalCount(String countPointer, int pageSize) {
        return new PagingRule() {
            @Override
            public Integer nextPage(JsonNode answer, int page, int records) {
                JsonNode count = answer.at(countPointer);
                if (!count.canConvertToLong()) {
                    throw new UnexpectedAnswerException("no record count at " + countPointer + " in a paged answer");
                }
                return records > 0 && (long) page * pageSize < count.asLong() ? page + 1 : null;
            }

            @Override
            public Integer announcedPages(JsonNode firstAnswer) {
                JsonNode count = firstAnswer.at(countPointer);
                if (!count.canConvertToLong() || pageSize <= 0) {
                    return null;
                }
                return (int) Math.min(Integer.MAX_VALUE, Math.max(0, (count.asLong() + pageSize - 1) / pageSize));
            }
        };
    }
}
