package org.yofacturoyampi.routes.paging;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@link PagingRule#totalCount}: the next page while the last one held records and the records read in this walk are
 * fewer than the answer's total. Records read twice (a list that shifts while it is walked) count twice: pages are
 * positions in the list, so the count says how far the walk got. Made for one walk.
 */
final class TotalCountPaging implements PagingRule {

    private final String countPointer;
    private final int expectedPageSize;
    private final ShortPage onShortPage;
    private long read;
    private int firstPageSize;
    private boolean shortPageTold;

    TotalCountPaging(String countPointer, int expectedPageSize, ShortPage onShortPage) {
        this.countPointer = countPointer;
        this.expectedPageSize = expectedPageSize;
        this.onShortPage = onShortPage;
    }

    @Override
    public Integer nextPage(JsonNode answer, int page, int records) {
        JsonNode count = answer.at(countPointer);
        if (!count.canConvertToLong()) {
            throw new UnexpectedAnswerException("no record count at " + countPointer + " in a paged answer");
        }
        long total = count.asLong();
        read += records;
        if (firstPageSize == 0) {
            firstPageSize = records;
        }
        if (records == 0 || read >= total) {
            return null;
        }
        int expected = expectedPageSize > 0 ? expectedPageSize : firstPageSize;
        if (records < expected && !shortPageTold) {
            shortPageTold = true;
            onShortPage.shortPage(page, records, expected, total);
        }
        return page + 1;
    }

    /** The pages the total announces at the size the first page came in (the server's, whatever was expected). */
    @Override
    public Integer announcedPages(JsonNode firstAnswer) {
        JsonNode count = firstAnswer.at(countPointer);
        if (!count.canConvertToLong()) {
            return null;
        }
        long perPage = Math.max(1, firstPageSize);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, (count.asLong() + perPage - 1) / perPage));
    }
}
