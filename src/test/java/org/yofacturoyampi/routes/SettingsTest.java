package org.yofacturoyampi.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The settings reader on its own: a map of properties, no Camel context. */
class SettingsTest {

    private static Settings settings(Map<String, String> values) {
        return new Settings(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void aValueIsTrimmedAndAnUnsetOneIsEmpty() {
        Settings settings = settings(Map.of("sync-token", "  secret \t", "blank", "   "));

        assertThat(settings.text("sync-token")).isEqualTo("secret");
        assertThat(settings.text("blank")).isEmpty();
        assertThat(settings.text("not.set")).isEmpty();
    }

    @Test
    void aWholeNumberWithinItsRangeIsRead() {
        Settings settings = settings(Map.of("yampi.max-concurrent-requests", " 4 ", "inbound.poll-delay", "0"));

        assertThat(settings.wholeInt("yampi.max-concurrent-requests", 1, 64, "a number")).isEqualTo(4);
        assertThat(settings.wholeNumber("inbound.poll-delay", 0, Long.MAX_VALUE, "a number")).isZero();
    }

    @Test
    void aWholeNumberOutsideItsRangeNamesTheVariableWhatItMustBeAndTheValue() {
        Settings settings = settings(Map.of("yampi.max-concurrent-requests", "65", "triggers.kept-reports", "0"));

        assertThatThrownBy(() -> settings.wholeInt("yampi.max-concurrent-requests", 1, 64, "from 1 to 64"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("YAMPI_MAX_CONCURRENT_REQUESTS must be from 1 to 64, not '65'");
        assertThatThrownBy(() -> settings.wholeNumber("triggers.kept-reports", 1, 10, "a whole number above 0"))
                .hasMessage("TRIGGERS_KEPT_REPORTS must be a whole number above 0, not '0'");
    }

    @Test
    void aWholeNumberThatIsNoNumberOrUnsetIsAConfigurationError() {
        Settings settings = settings(Map.of("inbound.poll-delay", " 2s "));

        assertThatThrownBy(() -> settings.wholeNumber("inbound.poll-delay", 0, 10, "milliseconds"))
                .isInstanceOf(ConfigurationException.class).hasMessage("INBOUND_POLL_DELAY must be milliseconds, not '2s'");
        assertThatThrownBy(() -> settings.wholeNumber("paging.max-pages", 1, 10, "pages"))
                .isInstanceOf(ConfigurationException.class).hasMessage("PAGING_MAX_PAGES must be pages, not ''");
    }

    @Test
    void aDurationIsIso8601AndAtLeastItsMinimum() {
        Settings settings = settings(Map.of("a.wait", " PT30S ", "a.negative", "-PT1S", "a.number", "30"));

        assertThat(settings.duration("a.wait", Duration.ofSeconds(1), "x")).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.duration("a.negative", null, "x")).isEqualTo(Duration.ofSeconds(-1));
        assertThatThrownBy(() -> settings.duration("a.negative", Duration.ZERO, "an ISO-8601 duration from zero"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("A_NEGATIVE must be an ISO-8601 duration from zero, not '-PT1S'");
        assertThatThrownBy(() -> settings.duration("a.number", null, "an ISO-8601 duration"))
                .isInstanceOf(ConfigurationException.class).hasMessage("A_NUMBER must be an ISO-8601 duration, not '30'");
    }

    @Test
    void theVariableOfAPropertyIsTheOneCamelMapsIt() {
        assertThat(Settings.variable("yofacturo.tenant.acme-es.api-key")).isEqualTo("YOFACTURO_TENANT_ACME_ES_API_KEY");
    }
}
