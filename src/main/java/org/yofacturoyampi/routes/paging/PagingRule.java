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

    /**
     * A total record count at {@code countPointer} (a JSON pointer), and a page size that is the server's choice:
     * the walk stops at an empty page, or once the records read reach the total (counted, not computed from a page
     * size, so a server that serves fewer a page than expected is read to the end). Counts, so it serves one walk: make
     * one per walk.
     *
     * @param expectedPageSize what a page should hold (0: what the first page held); a shorter page while the total
     *                         says there is more is told to {@code onShortPage}, once
     */
    static PagingRule totalCount(String countPointer, int expectedPageSize, ShortPage onShortPage) {
        return new TotalCountPaging(countPointer, expectedPageSize, onShortPage);
    }

    /** Told when a page held fewer records than expected while the total says there are more. */
    @FunctionalInterface
    interface ShortPage {
        void shortPage(int page, int records, int expected, long total);
    }
}
