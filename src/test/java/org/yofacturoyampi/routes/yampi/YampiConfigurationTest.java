package org.yofacturoyampi.routes.yampi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.List;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;

class YampiConfigurationTest {

    @TempDir
    Path work;

    private static String configurationError(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationException) {
                return t.getMessage();
            }
        }
        throw new AssertionError("not a configuration error", thrown);
    }

    @Test
    void withoutTokenOrAccountsTheYampiRoutesDoNotStartAndOneLineSaysWhatToSet() {
        // given neither YAMPI_API_TOKEN nor YAMPI_ACCOUNT_IDS
        try (LogCapture log = LogCapture.start(); RunningApp app = RunningApp.builder(work).start()) {
            // then no Yampi route runs
            assertThat(app.context().getRoutes()).filteredOn(r -> "yampi".equals(r.getGroup()))
                    .allSatisfy(r -> assertThat(app.isRouteStarted(r.getRouteId())).as(r.getRouteId()).isFalse());
            // and one line names both variables
            List<String> lines = log.lines().stream().filter(l -> l.contains("YAMPI_")).toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).startsWith("WARN").contains("YAMPI_API_TOKEN and YAMPI_ACCOUNT_IDS");
        }
    }

    @Test
    void withATokenButNoAccountsTheLineNamesOnlyTheAccounts() {
        try (LogCapture log = LogCapture.start();
             RunningApp app = RunningApp.builder(work).property("yampi.api-token", "yampi_test_fake_token").start()) {
            assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("Yampi feeds are off")).singleElement()
                    .satisfies(l -> assertThat(l).contains("set YAMPI_ACCOUNT_IDS,").doesNotContain("YAMPI_API_TOKEN"));
        }
    }

    @Test
    void aMaxAttemptsThatIsNotAWholeNumberStopsStartUpNamingIt() {
        Throwable thrown = catchThrowable(() -> RunningApp.builder(work)
                .yampi("http://127.0.0.1:9", "yampi_test_fake_token", "user", "1")
                .property("yampi.messages-max-attempts", "three").start().close());

        assertThat(configurationError(thrown)).contains("YAMPI_MESSAGES_MAX_ATTEMPTS", "'three'", "0: no limit");
    }

    @Test
    void anUnknownResourceStopsStartUpNamingItAndTheKnownOnes() {
        Throwable thrown = catchThrowable(() -> RunningApp.builder(work)
                .yampi("http://127.0.0.1:9", "yampi_test_fake_token", "user", "1")
                .property("yampi.resources", "contacts,invoices").start().close());

        assertThat(configurationError(thrown)).contains("YAMPI_RESOURCES", "'invoices'", "contacts", "conversations");
    }

    @Test
    void anUnknownTokenKindStopsStartUpNamingTheChoices() {
        Throwable thrown = catchThrowable(() -> RunningApp.builder(work)
                .yampi("http://127.0.0.1:9", "yampi_test_fake_token", "admin", "1").start().close());

        assertThat(configurationError(thrown)).contains("YAMPI_TOKEN_KIND", "user, bot, platform", "'admin'");
    }

    @Test
    void accountIdsThatAreNotNumbersStopStartUp() {
        Throwable thrown = catchThrowable(() -> RunningApp.builder(work)
                .yampi("http://127.0.0.1:9", "yampi_test_fake_token", "user", "1,acme").start().close());

        assertThat(configurationError(thrown)).contains("YAMPI_ACCOUNT_IDS", "'1,acme'");
    }

    @Test
    void aCatalogueEntryWithABadPageSizeStopsStartUpNamingTheProperty() {
        Throwable thrown = catchThrowable(() -> RunningApp.builder(work)
                .yampi("http://127.0.0.1:9", "yampi_test_fake_token", "user", "1")
                .property("yampi.catalogue.contacts.page-size", "fifteen").start().close());

        assertThat(configurationError(thrown)).contains("yampi.catalogue.contacts.page-size", "'fifteen'");
    }

    @Test
    void aCatalogueEntryPagedToATotalWithoutThePlaceOfThatTotalStopsStartUpNamingTheProperty() {
        Throwable thrown = catchThrowable(() -> RunningApp.builder(work)
                .yampi("http://127.0.0.1:9", "yampi_test_fake_token", "user", "1")
                .property("yampi.catalogue.conversations.count", "").start().close());

        assertThat(configurationError(thrown)).contains("yampi.catalogue.conversations.count", "total-count");
    }

    @Test
    void aMalformedCronAndABaseUrlThatIsNotAUrlStopStartUpWithOneLineEach() {
        Throwable thrown = catchThrowable(() -> RunningApp.builder(work)
                .yampi("app.yampi.ai", "yampi_test_fake_token", "user", "1")
                .property("yampi.poll-cron", "every 5 minutes").start().close());

        assertThat(configurationError(thrown).split("\n")).satisfiesExactlyInAnyOrder(
                line -> assertThat(line).contains("YAMPI_POLL_CRON", "'every 5 minutes'", "0 0/5 * * * ?"),
                line -> assertThat(line).contains("YAMPI_BASE_URL", "'app.yampi.ai'"));
    }
}
