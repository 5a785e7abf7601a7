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
}
