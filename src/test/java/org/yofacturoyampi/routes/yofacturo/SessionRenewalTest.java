package org.yofacturoyampi.routes.yofacturo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SchedulePolls;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;
import org.yofacturoyampi.routes.tenant.Tenants;

/**
 * The YoFacturo session cache and its scheduled check, on Camel's test kit ({@link CamelMainTest}): each nested class
 * is one configuration of the real app against a WireMock YoFacturo whose sessions are stubbed before the context
 * starts (the start-up check asks for one at once). "The check ran N times" is counted with a {@link NotifyBuilder}
 * on the check's route instead of sleeping. Each test needs a session of its own from the start, so each has a
 * context of its own (the kit makes one per test).
 */
@CamelMainTest
class SessionRenewalTest {

    private static final String SESSION_CHECK = "yofacturo-session-renew";
    private static final String POLL = "yofacturo-invoice-batches-schedule";

    /** Waits until {@code runs} whole runs of {@code route} have completed after this call, or fails. */
    private static void awaitRuns(CamelContext context, String route, int runs) {
        NotifyBuilder more = SchedulePolls.completed(context, route, runs);
        assertThat(more.matches(20, TimeUnit.SECONDS)).as(runs + " runs of " + route + " completed").isTrue();
    }

    private static RunningApp.Builder app(Path work, YoFacturoStub yofacturo) {
        return RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY);
    }

    @Nested
    class ADayLongSessionPolledEverySecond extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        @Configure
        void theAppPollingAndCheckingEverySecond(MainConfigurationProperties main) {
            // given a 24-hour session and a poll every second, session checked every second too
            yofacturo.issuesSession().listsBatches(YoFacturoStub.batches(3));
            app(work, yofacturo).property("yofacturo.poll-cron", RunningApp.EVERY_SECOND)
                    .property("yofacturo.session-cron", RunningApp.EVERY_SECOND).configure(main);
        }

        @Test
        void fetchesTheTokenOnceAndReusesItAcrossPolls() {
            // when several polls and session checks run (counted from here: at least three of each)
            NotifyBuilder checks = SchedulePolls.completed(context, SESSION_CHECK, 3);
            awaitRuns(context, POLL, 3);
            assertThat(checks.matches(20, TimeUnit.SECONDS)).as("3 session checks completed").isTrue();

            // then one sessions call served them all
            assertThat(yofacturo.server().findAll(getRequestedFor(urlPathEqualTo("/api/v1/invoice_batches"))))
                    .hasSizeGreaterThanOrEqualTo(3);
            assertThat(yofacturo.sessionCalls()).isEqualTo(1);
        }
    }

    @Nested
    class ASessionExpiringWithinTheMargin extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        @Configure
        void theAppCheckingEverySecond(MainConfigurationProperties main) {
            // given a session that expires in 30 minutes, and a renew-before margin of one hour
            yofacturo.issuesSession(YoFacturoStub.TOKEN, Instant.now().plus(30, ChronoUnit.MINUTES));
            app(work, yofacturo).property("yofacturo.session-cron", RunningApp.EVERY_SECOND).configure(main);
        }

        @Test
        void renewsTheSessionWhenItExpiresWithinTheMargin() {
            // when the session check runs a few times
            awaitRuns(context, SESSION_CHECK, 2);

            // then every check found it inside the margin and renewed it: the start-up call and one per check
            assertThat(yofacturo.sessionCalls()).isGreaterThanOrEqualTo(3);
        }
    }

    @Nested
    class ASessionExpiringAfterTheMargin extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        @Configure
        void theAppCheckingEverySecond(MainConfigurationProperties main) {
            // given a session that expires in 2 hours, and a renew-before margin of one hour
            yofacturo.issuesSession(YoFacturoStub.TOKEN, Instant.now().plus(2, ChronoUnit.HOURS));
            app(work, yofacturo).property("yofacturo.session-cron", RunningApp.EVERY_SECOND).configure(main);
        }

        @Test
        void keepsASessionThatExpiresAfterTheMargin() {
            // when the session check runs a few times
            await().atMost(Duration.ofSeconds(5)).until(() -> yofacturo.sessionCalls() >= 1);
            awaitRuns(context, SESSION_CHECK, 2);

            // then only the start-up check asked for one
            assertThat(yofacturo.sessionCalls()).isEqualTo(1);
        }
    }

    @Nested
    class AnEmptiedCache extends SharedAppContext {

        @BeanInject("yofacturoTenants")
        Tenants<?> tenants;

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        @Configure
        void theApp(MainConfigurationProperties main) {
            yofacturo.issuesSession();
            app(work, yofacturo).configure(main);
        }

        @Test
        void fiftyConcurrentRequestsWithAnEmptyCacheMakeExactlyOneSessionsCall() throws Exception {
            // given a running app whose cache has just been emptied, and a slow sessions call
            SessionTokenCache cache = tenants.all().values().stream()
                    .map(tenant -> ((YoFacturoTenant) tenant).sessions()).findFirst().orElseThrow();
            await().atMost(Duration.ofSeconds(5)).until(cache::hasValidSession);
            cache.invalidate(YoFacturoStub.TOKEN);
            int before = yofacturo.sessionCalls();
            yofacturo.server().stubFor(post("/api/v1/auth/sessions").atPriority(1).willReturn(aResponse()
                    .withStatus(200).withHeader("Content-Type", "application/json").withFixedDelay(300)
                    .withBody("{\"session_token\":\"sess_FAKE_SECOND\",\"expires_at\":\""
                            + Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS) + "\"}")));

            // when 50 threads ask for a token at once
            ExecutorService pool = Executors.newFixedThreadPool(50);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> tokens = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                tokens.add(pool.submit(() -> {
                    go.await();
                    return cache.token();
                }));
            }
            go.countDown();
            for (Future<String> token : tokens) {
                // then each gets the one new token
                assertThat(token.get()).isEqualTo("sess_FAKE_SECOND");
            }
            pool.shutdown();

            // and only one sessions call was made for them
            assertThat(yofacturo.sessionCalls() - before).isEqualTo(1);
        }
    }
}
