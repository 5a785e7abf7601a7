package org.yofacturoyampi.routes.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.support.RunningApp;

/** The limits are checked at start: a bad one stops start-up with one line each, naming the variable. */
class LimitSettingsTest {

    @TempDir
    Path work;

    @Test
    void limitsThatAreNotWholeNumbersFromOneStopStartUpNamingTheirVariables() {
        // when the app starts with a malformed page cap, a zero answer cap and a negative dead-letter body cap
        Throwable failure = catchThrowable(() -> RunningApp.builder(work).property("paging.max-pages", "lots")
                .property("http.max-answer-bytes", "0").property("dead-letter.max-body-bytes", "-1").start().close());

        // then one configuration error names each variable and what it must be
        Throwable t = failure;
        while (t != null && !(t instanceof ConfigurationException)) {
            t = t.getCause();
        }
        assertThat(t).as("a configuration error").isNotNull();
        assertThat(t.getMessage().lines()).hasSize(3)
                .anySatisfy(l -> assertThat(l).startsWith("PAGING_MAX_PAGES must be a whole number").contains("'lots'"))
                .anySatisfy(l -> assertThat(l).startsWith("HTTP_MAX_ANSWER_BYTES must be a whole number").contains("'0'"))
                .anySatisfy(l -> assertThat(l).startsWith("DEAD_LETTER_MAX_BODY_BYTES must be a whole number"));
    }
}
