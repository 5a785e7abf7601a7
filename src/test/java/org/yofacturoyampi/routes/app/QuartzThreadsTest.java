package org.yofacturoyampi.routes.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.sandbox.SandboxSettings.YampiAccount;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;

/**
 * Quartz's thread pool is sized to the schedules, so waiting schedules cannot starve the others. On Camel's test kit
 * ({@link CamelMainTest}): each nested class is one configuration of the real app against its own sandbox. A thread
 * count that is not a number stops start-up, which the kit cannot start: {@link QuartzThreadCountSettingTest}.
 */
@CamelMainTest
class QuartzThreadsTest {

    private static SandboxSettings settings() {
        return SandboxSettings.builder().batchCount(1).invoicesPerBatch(1)
                .yampiAccounts(Map.of(1L, new YampiAccount(1, 1, 1, 1, 1, 1))).build();
    }

    private static Scheduler scheduler(CamelContext context) throws Exception {
        return context.getComponent("quartz", QuartzComponent.class).getScheduler();
    }

    private static long yampiSchedulesRunning(CamelContext context) throws Exception {
        return scheduler(context).getCurrentlyExecutingJobs().stream()
                .filter(job -> "yampi".equals(job.getJobDetail().getKey().getGroup())).count();
    }

    @Nested
    class FourteenRateLimitedYampiSchedules extends SharedAppContext {

        private final SandboxSettings settings = settings();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppWithTwoYampiTokensAndASessionCheckEverySecond(MainConfigurationProperties main) {
            // given two Yampi tokens of 7 resources each (14 schedules, more than Quartz's default 10 threads), every
            // Yampi request rate-limited, and a YoFacturo session check every second that renews every time
            sandbox.yampi().rateLimitNext(100_000, 2);
            RunningApp.builder(work)
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
                    .property("camel.main.shutdown-timeout", "5").configure(main);
        }

        @Test
        void schedulesWaitingForARateLimitDoNotDelayTheSessionCheck() throws Exception {
            // then the pool has a thread per schedule: 14 Yampi, the invoice-batch poll, the session check
            assertThat(scheduler(context).getMetaData().getThreadPoolSize()).isEqualTo(16);

            // when every Yampi schedule is mid-run, waiting for the rate limit
            await().atMost(Duration.ofSeconds(20)).until(() -> yampiSchedulesRunning(context) == 14);

            // then the session check still runs every second
            int sessions = sandbox.yofacturo().sessionCalls();
            await().atMost(Duration.ofSeconds(6)).until(() -> sandbox.yofacturo().sessionCalls() >= sessions + 2);
            assertThat(yampiSchedulesRunning(context)).isEqualTo(14);

            // let the waiting runs end, so the app stops at once
            sandbox.yampi().rateLimitNext(0, null);
        }
    }

    @Nested
    class AnExplicitThreadCount extends SharedAppContext {

        private final SandboxSettings settings = settings();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppWithYampiSchedulesAndThirtyQuartzThreads(MainConfigurationProperties main) {
            // given the Yampi schedules configured and QUARTZ_THREAD_COUNT set to a number
            RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                    .property("yampi.poll-cron", RunningApp.NEVER)
                    .property("quartz.thread-count", "30").configure(main);
        }

        @Test
        void anExplicitThreadCountIsUsed() throws Exception {
            // then the pool has that many threads
            assertThat(scheduler(context).getMetaData().getThreadPoolSize()).isEqualTo(30);
        }
    }
}
