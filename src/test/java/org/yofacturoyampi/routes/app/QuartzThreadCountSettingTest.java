package org.yofacturoyampi.routes.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.sandbox.SandboxSettings.YampiAccount;
import org.yofacturoyampi.routes.support.RunningApp;

/**
 * A Quartz thread count (QUARTZ_THREAD_COUNT) that is not a number stops start-up. A start-up error, so on
 * {@link RunningApp} (Camel's test kit can only give a test a context that started); a number that is used:
 * {@link QuartzThreadsTest}.
 */
class QuartzThreadCountSettingTest {

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().batchCount(1).invoicesPerBatch(1)
            .yampiAccounts(Map.of(1L, new YampiAccount(1, 1, 1, 1, 1, 1))).build();
    private final Sandbox sandbox = Sandbox.start(settings);

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    @Test
    void aThreadCountThatIsNotANumberStopsStartUpNamingTheVariable() {
        // given the Yampi schedules configured and QUARTZ_THREAD_COUNT set to something that is not a number
        RunningApp.Builder yampi = RunningApp.builder(work)
                .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.poll-cron", RunningApp.NEVER)
                .property("quartz.thread-count", "many");

        // when the app starts
        Throwable thrown = catchThrowable(() -> yampi.start().close());

        // then start-up stops with one line naming the variable
        Throwable t = thrown;
        while (t != null && !(t instanceof ConfigurationException)) {
            t = t.getCause();
        }
        assertThat(t).as(String.valueOf(thrown)).isNotNull();
        assertThat(t.getMessage()).contains("QUARTZ_THREAD_COUNT", "'many'");
    }
}
