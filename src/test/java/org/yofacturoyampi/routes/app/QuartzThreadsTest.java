package org.yofacturoyampi.routes.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.Scheduler;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.sandbox.SandboxSettings.YampiAccount;
import org.yofacturoyampi.routes.support.RunningApp;

/** Quartz's thread pool is sized to the schedules, so waiting schedules cannot starve the others. */
class QuartzThreadsTest {

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().batchCount(1).invoicesPerBatch(1)
            .yampiAccounts(Map.of(1L, new YampiAccount(1, 1, 1, 1, 1, 1))).build();
    private final Sandbox sandbox = Sandbox.start(settings);

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    private static Scheduler scheduler(RunningApp app) throws Exception {
        return app.context().getComponent("quartz", QuartzComponent.class).getScheduler();
    }

    private static long yampiSchedulesRunning(RunningApp app) throws Exception {
        return scheduler(app).getCurrentlyExecutingJobs().stream()
                .filter(job -> "yampi".equals(job.getJobDetail().getKey().getGroup())).count();
    }

    @Test
    void schedulesWaitingForARateLimitDoNotDelayTheSessionCheck() throws Exception {
        // given two Yampi tokens of 7 resources each (14 schedules, more than Quartz's default 10 threads), every Yampi
        // request rate-limited, and a YoFacturo session check every second that renews every time
        sandbox.yampi().rateLimitNext(100_000, 2);
        try (RunningApp app = RunningApp.builder(work)
                .yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                .property("yofacturo.session-cron", RunningApp.EVERY_SECOND)
                .property("yofacturo.renew-before", "PT25H")
                .property("yampi.base-url", sandbox.baseUrl())
                .property("yampi.tenants", "support,sales")
                .property("yampi.tenant.support.api-token", settings.yampiUserToken())
                .property("yampi.tenant.support.account-ids", "1")
                .property("yampi.tenant.sales.api-token", settings.yampiUserToken())
                .property("yampi.tenant.sales.account-ids", "1")
                .property("yampi.poll-cron", RunningApp.EVERY_SECOND)
                .property("http.rate-limit-retries", "1000")
                .property("camel.main.shutdown-timeout", "5").start()) {
            // then the pool has a thread per schedule: 14 Yampi, the invoice-batch poll, the session check
            assertThat(scheduler(app).getMetaData().getThreadPoolSize()).isEqualTo(16);

            // when every Yampi schedule is mid-run, waiting for the rate limit
            await().atMost(Duration.ofSeconds(20)).until(() -> yampiSchedulesRunning(app) == 14);

            // then the session check still runs every second
            int sessions = sandbox.yofacturo().sessionCalls();
            await().atMost(Duration.ofSeconds(6)).until(() -> sandbox.yofacturo().sessionCalls() >= sessions + 2);
            assertThat(yampiSchedulesRunning(app)).isEqualTo(14);

            // let the waiting runs end, so the app stops at once
            sandbox.yampi().rateLimitNext(0, null);
        }
    }

    @Test
    void anExplicitThreadCountIsUsedAndOneThatIsNotANumberStopsStartUpNamingTheVariable() throws Exception {
        // given the Yampi schedules configured and QUARTZ_THREAD_COUNT set
        RunningApp.Builder yampi = RunningApp.builder(work)
                .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.poll-cron", RunningApp.NEVER);

        // when it is a number, then the pool has that many threads
        try (RunningApp app = yampi.property("quartz.thread-count", "30").start()) {
            assertThat(scheduler(app).getMetaData().getThreadPoolSize()).isEqualTo(30);
        }

        // when it is not, then start-up stops with one line naming the variable
        Throwable thrown = catchThrowable(() -> yampi.property("quartz.thread-count", "many").start().close());
        Throwable t = thrown;
        while (t != null && !(t instanceof ConfigurationException)) {
            t = t.getCause();
        }
        assertThat(t).as(String.valueOf(thrown)).isNotNull();
        assertThat(t.getMessage()).contains("QUARTZ_THREAD_COUNT", "'many'");
    }
}
