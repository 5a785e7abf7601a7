package org.yofacturoyampi.routes.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * Each run reports, and logs in one INFO line, pages, records, new and changed records, dead letters and errors. On
 * Camel's test kit ({@link CamelMainTest}): each nested class is one configuration of the real app, run on demand with
 * a message on direct:sync.
 */
@CamelMainTest
class RunReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Nested
    class YampiContactsOfTheSandbox extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppForAccount1WithoutSchedule(MainConfigurationProperties main) {
            RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                    .property("yampi.poll-cron", RunningApp.NEVER).configure(main);
        }

        @Test
        void aRunCountsNewAndChangedRecordsAndSaysSoInOneLine() throws Exception {
            try (LogCapture log = LogCapture.start()) {
                ProducerTemplate template = context.createProducerTemplate();

                // given a first run delivered the 40 contacts, and then two contacts changed
                JsonNode first = JSON.readTree(template.requestBodyAndHeader("direct:sync", null, "SyncFeed", "yampi-contacts", String.class));
                sandbox.yampi().changeContact(1, 3);
                sandbox.yampi().changeContact(1, 33);

                // when the feed runs again
                JsonNode second = JSON.readTree(template.requestBodyAndHeader("direct:sync", null, "SyncFeed", "yampi-contacts", String.class));

                // then the reports count pages, records, new and changed
                assertThat(first.get("pages").asInt()).isEqualTo(3);
                assertThat(first.get("records_read").asInt()).isEqualTo(40);
                assertThat(first.get("new").asInt()).isEqualTo(40);
                assertThat(second.get("records_read").asInt()).isEqualTo(40);
                assertThat(second.get("delivered_total").asInt()).isEqualTo(2);
                assertThat(second.get("new").asInt()).isZero();
                assertThat(second.get("changed").asInt()).isEqualTo(2);
                // and each run said so in one INFO line
                assertThat(log.linesAt(Level.INFO)).filteredOn(l -> l.contains("yampi-contacts (direct)") || l.contains("yampi-contacts (schedule)"))
                        .extracting(l -> l.substring(l.indexOf(" - ") + 3))
                        .anySatisfy(l -> assertThat(l).matches(
                                "yampi-contacts \\(direct\\): 3 pages, 40 records, 2 delivered \\(0 new, 2 changed\\), 0 dead letters, 0 errors in [0-9.]+ s"));
            }
        }
    }

    @Nested
    class ASlowYoFacturoReportingProgressEveryHalfSecond extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theAppReadingOneBatchAPage(MainConfigurationProperties main) {
            // given 4 pages of one batch each, each page answered after 300 ms, and progress at most every 0.5 s
            yofacturo.listsBatches(YoFacturoStub.batches(4), 1, YoFacturoStub.TOKEN);
            yofacturo.server().setGlobalFixedDelay(300);
            RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                    .property("yofacturo.per-page", "1").property("progress-every", "PT0.5S").configure(main);
        }

        @Test
        void aLongRunSaysHowFarItGotAtMostAsOftenAsConfigured() throws Exception {
            try (LogCapture log = LogCapture.start()) {
                // when the feed runs (about 2.5 s: 4 list pages and 4 invoice pages)
                context.createProducerTemplate().requestBodyAndHeader("direct:sync", null, "SyncFeed",
                        "yofacturo-invoice-batches", String.class);

                // then it said how far it got along the way, fewer times than pages read, then its one final line
                List<String> progress = log.linesAt(Level.INFO).stream()
                        .filter(l -> l.contains("yofacturo-invoice-batches: ") && l.contains("so far")).toList();
                assertThat(progress).hasSizeBetween(2, 7);
                assertThat(progress.get(0)).containsPattern("yofacturo-invoice-batches: \\d+ pages, \\d+ records so far, "
                        + "\\d+ delivered \\(\\d+ new, 0 changed\\)");
                assertThat(log.linesAt(Level.INFO)).filteredOn(l -> l.contains("yofacturo-invoice-batches (direct): 8 pages"))
                        .hasSize(1);
            }
        }
    }
}
