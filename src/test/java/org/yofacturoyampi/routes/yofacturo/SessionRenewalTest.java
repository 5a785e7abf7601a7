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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.YoFacturoStub;
import org.yofacturoyampi.routes.tenant.Tenants;

class SessionRenewalTest {

    @TempDir
    Path work;

    private final YoFacturoStub yofacturo = new YoFacturoStub();

    @AfterEach
    void stopStub() {
        yofacturo.close();
    }

    private RunningApp.Builder app() {
        return RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY);
    }

    @Test
    void fetchesTheTokenOnceAndReusesItAcrossPolls() {
        // given a 24-hour session and a poll every second, session checked every second too
        yofacturo.issuesSession().listsBatches(YoFacturoStub.batches(3));

        // when several polls and session checks run
        try (RunningApp app = app().property("yofacturo.poll-cron", RunningApp.EVERY_SECOND)
                .property("yofacturo.session-cron", RunningApp.EVERY_SECOND).start()) {
            await().atMost(Duration.ofSeconds(15)).until(() -> yofacturo.server()
                    .findAll(getRequestedFor(urlPathEqualTo("/api/v1/invoice_batches"))).size() >= 3);
        }

        // then one sessions call served them all
        assertThat(yofacturo.sessionCalls()).isEqualTo(1);
    }

    @Test
    void renewsTheSessionWhenItExpiresWithinTheMargin() {
        // given a session that expires in 30 minutes, and a renew-before margin of one hour
        yofacturo.issuesSession(YoFacturoStub.TOKEN, Instant.now().plus(30, ChronoUnit.MINUTES));

        // when the session check runs a few times
        try (RunningApp app = app().property("yofacturo.session-cron", RunningApp.EVERY_SECOND).start()) {
            // then every check finds it inside the margin and renews it
            await().atMost(Duration.ofSeconds(10)).until(() -> yofacturo.sessionCalls() >= 3);
        }
    }

    @Test
    void keepsASessionThatExpiresAfterTheMargin() throws Exception {
        // given a session that expires in 2 hours, and a renew-before margin of one hour
        yofacturo.issuesSession(YoFacturoStub.TOKEN, Instant.now().plus(2, ChronoUnit.HOURS));

        // when the session check runs a few times
        try (RunningApp app = app().property("yofacturo.session-cron", RunningApp.EVERY_SECOND).start()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> yofacturo.sessionCalls() >= 1);
            Thread.sleep(2500);
        }

        // then only the start-up check asked for one
        assertThat(yofacturo.sessionCalls()).isEqualTo(1);
    }

    @Test
    void fiftyConcurrentRequestsWithAnEmptyCacheMakeExactlyOneSessionsCall() throws Exception {
        // given a running app whose cache has just been emptied, and a slow sessions call
        yofacturo.issuesSession();
        try (RunningApp app = app().start()) {
            SessionTokenCache cache = ((Tenants<?>) app.bean("yofacturoTenants", Tenants.class)).all().values().stream()
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
