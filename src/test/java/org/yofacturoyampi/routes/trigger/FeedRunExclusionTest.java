package org.yofacturoyampi.routes.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * One run of a feed at a time: triggers that come while its schedule's run is under way wait for it. On Camel's test
 * kit ({@link CamelMainTest}), the real app polling a slow WireMock YoFacturo every second; the order in which it asked
 * for the pages shows whether two walks ever overlapped.
 */
@CamelMainTest
class FeedRunExclusionTest extends SharedAppContext {

    private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

    @Configure
    void theAppPollingASlowYoFacturoEverySecond(MainConfigurationProperties main) {
        // given 3 pages of one batch each, each page answered after 300 ms, and a poll every second
        yofacturo.listsBatches(YoFacturoStub.batches(3), 1, YoFacturoStub.TOKEN);
        for (int id = 1; id <= 3; id++) {
            yofacturo.listsInvoices(id, List.of());
        }
        yofacturo.server().setGlobalFixedDelay(300);
        RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("yofacturo.per-page", "1")
                .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND).configure(main);
    }

    /** The pages asked for, in the order they were asked. */
    private List<String> pageSequence() {
        List<ServeEvent> events = new ArrayList<>(yofacturo.server().getAllServeEvents());
        events.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
        return events.stream().filter(e -> e.getRequest().getUrl().startsWith("/api/v1/invoice_batches?"))
                .map(e -> e.getRequest().queryParameter("page").firstValue()).toList();
    }

    @Test
    void triggersDuringAScheduledRunWaitForItInsteadOfRunningTheFeedTwiceAtOnce() throws Exception {
        // when two triggers arrive while the schedule keeps firing
        ProducerTemplate template = context.createProducerTemplate();
        List<CompletableFuture<String>> triggers = List.of(
                CompletableFuture.supplyAsync(() -> template.requestBodyAndHeader("direct:sync", null, "SyncFeed",
                        "yofacturo-invoice-batches", String.class)),
                CompletableFuture.supplyAsync(() -> template.requestBodyAndHeader("direct:sync", null, "SyncFeed",
                        "yofacturo-invoice-batches", String.class)));
        CompletableFuture.allOf(triggers.toArray(CompletableFuture[]::new)).get();
        await().atMost(Duration.ofSeconds(30)).until(() -> pageSequence().size() >= 12);
        // (and the app stopped, so that the walks are all in: the context is this test's alone)
        context.stop();

        // then the pages came as whole walks one after another: 1,2,3,1,2,3,... never 1,1 or 1,2,1
        List<String> pages = pageSequence();
        for (int i = 0; i < pages.size(); i++) {
            assertThat(pages.get(i)).as("request %d of %s", i, pages).isEqualTo(String.valueOf(i % 3 + 1));
        }
    }
}
