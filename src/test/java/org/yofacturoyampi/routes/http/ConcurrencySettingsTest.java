package org.yofacturoyampi.routes.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.RunningApp;

/**
 * The request concurrency settings (yofacturo.max-concurrent-requests, yampi.max-concurrent-requests): one that is not
 * a whole number from 1 stops start-up. A start-up error cannot be shown on Camel's test kit, so this starts the app
 * itself ({@link RunningApp}); the limits at work are in {@link ConcurrentRequestsTest}.
 */
class ConcurrencySettingsTest {

    @TempDir
    Path work;

    @Test
    void aConcurrencyThatIsNotAWholeNumberFromOneStopsStartUpNamingTheVariable() {
        // given a concurrency of 0, when the app starts, then one configuration error names the variable
        assertThatThrownBy(() -> RunningApp.builder(work).property("yofacturo.max-concurrent-requests", "0").start())
                .hasStackTraceContaining("YOFACTURO_MAX_CONCURRENT_REQUESTS must be a whole number of requests from 1 to 64");
        assertThatThrownBy(() -> RunningApp.builder(work).property("yampi.max-concurrent-requests", "many").start())
                .hasStackTraceContaining("YAMPI_MAX_CONCURRENT_REQUESTS must be a whole number of requests from 1 to 64");
    }
}
