package org.yofacturoyampi.routes.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.support.RunningApp;

/**
 * The trigger limits (triggers.max-bytes, triggers.kept-reports) as settings: one that is not a whole number above
 * zero stops start-up. A start-up error cannot be shown on Camel's test kit, so this starts the app itself
 * ({@link RunningApp}); what a trigger may send is in {@link TriggerInputTest}.
 */
class TriggerLimitsTest {

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"triggers.max-bytes, TRIGGERS_MAX_BYTES, 64k", "triggers.kept-reports, TRIGGERS_KEPT_REPORTS, 0"})
    void aTriggerLimitThatIsNotAWholeNumberAboveZeroStopsStartUpNamingTheVariable(String key, String variable,
            String value) {
        // given a limit that is not a whole number above zero, when the app starts
        Throwable thrown = catchThrowable(() -> RunningApp.builder(work).property(key, value).start().close());

        // then a configuration error names the variable and the value
        Throwable t = thrown;
        while (t != null && !(t instanceof ConfigurationException)) {
            t = t.getCause();
        }
        assertThat(t).as(String.valueOf(thrown)).isNotNull();
        assertThat(t.getMessage()).contains(variable, "'" + value + "'");
    }
}
