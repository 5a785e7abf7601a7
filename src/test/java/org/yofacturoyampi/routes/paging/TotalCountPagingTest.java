package org.yofacturoyampi.routes.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The total-count stop rule: the page size is the server's; the walk ends at the total or at an empty page. */
class TotalCountPagingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> shortPages = new ArrayList<>();

    private PagingRule walk() {
        return PagingRule.totalCount("/data/meta/all_count", 25,
                (page, records, expected, total) -> shortPages.add(page + ":" + records + "/" + expected + " of " + total));
    }

    private static JsonNode total(long count) throws Exception {
        return JSON.readTree("{\"data\": {\"meta\": {\"all_count\": " + count + "}, \"payload\": []}}");
    }

    @Test
    void readsOnWhileTheRecordsReadAreFewerThanTheTotalAndStopsWhenTheyReachIt() throws Exception {
        PagingRule rule = walk();
        assertThat(rule.nextPage(total(60), 1, 25)).isEqualTo(2);
        assertThat(rule.nextPage(total(60), 2, 25)).isEqualTo(3);
        assertThat(rule.nextPage(total(60), 3, 10)).isNull();
        assertThat(shortPages).isEmpty();
    }

    @Test
    void aShortPageWhileTheTotalSaysMoreIsToldOnceAndTheWalkGoesOn() throws Exception {
        PagingRule rule = walk();
        assertThat(rule.nextPage(total(30), 1, 10)).isEqualTo(2);
        assertThat(rule.nextPage(total(30), 2, 10)).isEqualTo(3);
        assertThat(rule.nextPage(total(30), 3, 10)).isNull();
        assertThat(shortPages).containsExactly("1:10/25 of 30");
    }

    @Test
    void anEmptyPageEndsTheWalkEvenWhenTheTotalSaysMore() throws Exception {
        PagingRule rule = walk();
        assertThat(rule.nextPage(total(60), 1, 25)).isEqualTo(2);
        assertThat(rule.nextPage(total(60), 2, 0)).isNull();
    }

    @Test
    void eachWalkCountsAfresh() throws Exception {
        PagingRule first = walk();
        assertThat(first.nextPage(total(30), 1, 25)).isEqualTo(2);
        assertThat(first.nextPage(total(30), 2, 5)).isNull();
        assertThat(walk().nextPage(total(30), 1, 25)).isEqualTo(2);
    }

    @Test
    void anAnswerWithoutATotalIsNotAPageItCanRead() throws Exception {
        assertThatThrownBy(() -> walk().nextPage(JSON.readTree("{\"data\": {\"payload\": []}}"), 1, 0))
                .isInstanceOf(UnexpectedAnswerException.class).hasMessageContaining("/data/meta/all_count");
    }

    @Test
    void theAnnouncedPagesAreTheTotalAtTheSizeTheFirstPageCameIn() throws Exception {
        // given the server serves 10 a page where 25 were expected
        PagingRule rule = walk();
        rule.nextPage(total(95), 1, 10);

        // then the total announces 10 pages (the server's size), not 4
        assertThat(rule.announcedPages(total(95))).isEqualTo(10);
    }

    @Test
    void anEmptyListAnnouncesNoPagesAndAnAnswerWithoutATotalAnnouncesNothing() throws Exception {
        PagingRule rule = walk();
        rule.nextPage(total(0), 1, 0);

        assertThat(rule.announcedPages(total(0))).isZero();
        assertThat(walk().announcedPages(JSON.readTree("{\"data\": {}}"))).isNull();
    }

    @Test
    void withoutAnExpectedSizeAShortPageIsOneShorterThanTheFirst() throws Exception {
        // given a walk that expects what the first page holds
        PagingRule rule = PagingRule.totalCount("/data/meta/all_count", 0,
                (page, records, expected, total) -> shortPages.add(page + ":" + records + "/" + expected + " of " + total));

        // when pages of 20, 20, then 5 while the total says 100
        assertThat(rule.nextPage(total(100), 1, 20)).isEqualTo(2);
        assertThat(rule.nextPage(total(100), 2, 20)).isEqualTo(3);
        assertThat(rule.nextPage(total(100), 3, 5)).isEqualTo(4);

        // then the third is told as short against the first page's 20
        assertThat(shortPages).containsExactly("3:5/20 of 100");
    }
}
