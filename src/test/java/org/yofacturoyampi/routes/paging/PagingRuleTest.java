package org.yofacturoyampi.routes.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The stop rules of a paged walk other than the total count (TotalCountPagingTest): when is there a next page. */
class PagingRuleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    /** A YoFacturo list answer: page {@code current} of {@code total}. */
    private static JsonNode yofacturoPage(int current, int total) throws Exception {
        return json("{\"data\": [], \"meta\": {\"current_page\": " + current + ", \"total_pages\": " + total
                + ", \"total_count\": 250, \"per_page\": 100}}");
    }

    @Test
    void aSingleAnswerHasNoNextPageAndAnnouncesNone() throws Exception {
        PagingRule rule = PagingRule.single();

        assertThat(rule.nextPage(json("{\"id\": 1}"), 1, 1)).isNull();
        assertThat(rule.announcedPages(json("{\"id\": 1}"))).isNull();
    }

    @Test
    void yofacturoPagingGoesOnWhileTheCurrentPageIsBelowTheTotal() throws Exception {
        PagingRule rule = PagingRule.totalPagesInMeta();

        assertThat(rule.nextPage(yofacturoPage(1, 3), 1, 100)).isEqualTo(2);
        assertThat(rule.nextPage(yofacturoPage(2, 3), 2, 100)).isEqualTo(3);
        assertThat(rule.nextPage(yofacturoPage(3, 3), 3, 50)).isNull();
    }

    @Test
    void yofacturoPagingFollowsThePageTheAnswerSaysNotTheOneAskedFor() throws Exception {
        // the walk checks that they agree (PageReader); the rule counts from what the answer says
        assertThat(PagingRule.totalPagesInMeta().nextPage(yofacturoPage(2, 5), 1, 100)).isEqualTo(3);
    }

    @Test
    void yofacturoPagingStopsAtAnEmptyPageEvenWhenTheTotalSaysMore() throws Exception {
        assertThat(PagingRule.totalPagesInMeta().nextPage(yofacturoPage(1, 3), 1, 0)).isNull();
    }

    @Test
    void anAnswerWithoutYofacturoMetaIsNotAPageTheRuleCanRead() {
        PagingRule rule = PagingRule.totalPagesInMeta();

        assertThatThrownBy(() -> rule.nextPage(json("{\"data\": []}"), 1, 0))
                .isInstanceOf(UnexpectedAnswerException.class).hasMessageContaining("meta.total_pages");
        assertThatThrownBy(() -> rule.nextPage(json("{\"data\": [], \"meta\": {\"current_page\": \"one\", "
                + "\"total_pages\": 2}}"), 1, 1)).isInstanceOf(UnexpectedAnswerException.class);
    }

    @Test
    void yofacturoPagingAnnouncesTheTotalPagesOfTheFirstAnswer() throws Exception {
        PagingRule rule = PagingRule.totalPagesInMeta();

        assertThat(rule.announcedPages(yofacturoPage(1, 7))).isEqualTo(7);
        assertThat(rule.announcedPages(yofacturoPage(1, -4))).isZero();
        assertThat(rule.announcedPages(json("{\"data\": []}"))).isNull();
    }

    @Test
    void shortPagePagingGoesOnAfterAFullPageAndStopsAtAShortOrEmptyOne() throws Exception {
        PagingRule rule = PagingRule.untilShortPage(25);
        JsonNode anyAnswer = json("[]");

        assertThat(rule.nextPage(anyAnswer, 1, 25)).isEqualTo(2);
        assertThat(rule.nextPage(anyAnswer, 2, 25)).isEqualTo(3);
        assertThat(rule.nextPage(anyAnswer, 3, 24)).isNull();
        assertThat(rule.nextPage(anyAnswer, 1, 0)).isNull();
        assertThat(rule.announcedPages(anyAnswer)).isNull();
    }
}
