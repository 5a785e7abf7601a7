package org.yofacturoyampi.routes.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.TestDatabase;

/**
 * "A 429 with Retry-After answered to one node: no node sends that API a request before it has passed; a node
 * restarted during the wait also waits", with two app instances on one PostgreSQL schema and Yampi stubbed: the stub's
 * log of when each request arrived is the evidence. The 429 comes on one feed (contacts) and the other node syncs
 * another feed of the same token (conversations): the wait is the token's, and a feed's own cluster lock plays no part.
 */
@Tag("database")
class ClusterRateLimitIT {

    private static final String CONTACTS = "/api/v1/accounts/1/contacts";
    private static final String CONVERSATIONS = "/api/v1/accounts/1/conversations";
    private static final String TOKEN = "yampi_test_FAKE_TOKEN";
    /** The node's gate opens the wait after it read the 429, which is after the stub logged it: a little slack. */
    private static final long SLACK_MILLIS = 100;

    @TempDir
    Path work;

    private final WireMockServer yampi = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private TestDatabase db;

    @BeforeEach
    void start() {
        db = TestDatabase.create();
        yampi.start();
    }

    @AfterEach
    void stop() throws Exception {
        yampi.stop();
        db.close();
    }

    private RunningApp.Builder node(String name) {
        return RunningApp.builder(work.resolve(name)).yampi(yampi.baseUrl(), TOKEN, "user", "1")
                .property("yampi.poll-cron", RunningApp.NEVER).property("yampi.resources", "contacts,conversations")
                .clusterDatabase(db)
                .property("cluster.node-id", name);
    }

    /** Yampi answers the first contacts call 429 with this Retry-After, then one contact. */
    private void contactsLimitedOnceFor(int seconds) {
        yampi.stubFor(get(urlPathEqualTo(CONTACTS)).inScenario("limit").whenScenarioStateIs(STARTED)
                .willSetStateTo("open").willReturn(aResponse().withStatus(429).withHeader("Retry-After", String.valueOf(seconds))));
        yampi.stubFor(get(urlPathEqualTo(CONTACTS)).inScenario("limit").whenScenarioStateIs("open")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"meta\": {\"count\": 1, \"current_page\": \"1\"}, \"payload\": [{\"id\": 7}]}")));
        yampi.stubFor(get(urlPathEqualTo(CONVERSATIONS)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"data\": {\"meta\": {}, \"payload\": [{\"id\": 5}]}}")));
    }

    @Test
    void a429AnsweredToOneNodeHoldsTheOtherNodeUntilItsRetryAfterHasPassed() throws Exception {
        // given two nodes on one database, and Yampi limits the first contacts call for 4 seconds
        contactsLimitedOnceFor(4);
        try (RunningApp a = node("a").start(); RunningApp b = node("b").start()) {
            // when node a's sync meets the 429, and node b is asked to sync right after
            CompletableFuture<HttpResponse<String>> syncA = sync(a, "yampi-contacts");
            await().atMost(Duration.ofSeconds(20)).until(() -> !calls().isEmpty());
            CompletableFuture<HttpResponse<String>> syncB = sync(b, "yampi-conversations");

            // then both syncs end well ...
            assertThat(syncA.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(syncB.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }

        // ... and no request of either node reached Yampi in the 4 seconds after the 429
        List<Instant> calls = calls();
        assertThat(calls).hasSizeGreaterThanOrEqualTo(3);
        assertThat(calls.subList(1, calls.size())).allSatisfy(call ->
                assertThat(call).isAfterOrEqualTo(calls.get(0).plusMillis(4000 - SLACK_MILLIS)));
    }

    @Test
    void aNodeRestartedDuringTheWaitWaitsToo() throws Exception {
        // given Yampi limits the first contacts call for 8 seconds
        contactsLimitedOnceFor(8);
        RunningApp first = node("a").property("camel.main.shutdown-timeout", "1").start();
        CompletableFuture<HttpResponse<String>> interrupted;
        try {
            interrupted = sync(first, "yampi-contacts");
            await().atMost(Duration.ofSeconds(20)).until(() -> !calls().isEmpty());
        } finally {
            // when the node stops during the wait ...
            first.close();
        }
        // ... and starts again (a new process would read the same database) and is asked to sync
        try (RunningApp restarted = node("a").start()) {
            assertThat(sync(restarted, "yampi-conversations").get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        interrupted.cancel(true);

        // then its requests came after the 8 seconds
        List<Instant> calls = calls();
        assertThat(calls).hasSizeGreaterThanOrEqualTo(2);
        assertThat(calls.subList(1, calls.size())).allSatisfy(call ->
                assertThat(call).isAfterOrEqualTo(calls.get(0).plusMillis(8000 - SLACK_MILLIS)));
    }

    private static CompletableFuture<HttpResponse<String>> sync(RunningApp node, String feed) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return node.syncOverHttp("{\"feed\": \"" + feed + "\"}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** When each call to Yampi arrived, in order (the first is the one answered 429). */
    private List<Instant> calls() {
        return yampi.getAllServeEvents().stream().map(ServeEvent::getRequest).map(r -> r.getLoggedDate().toInstant())
                .sorted(Comparator.naturalOrder()).toList();
    }
}
