package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.ClusterSchema;
import org.yofacturoyampi.routes.support.TestDatabase;
import org.yofacturoyampi.routes.yofacturo.SessionIssuer;
import org.yofacturoyampi.routes.yofacturo.SessionTokenCache;
import org.yofacturoyampi.routes.yofacturo.YoFacturoSession;

/** Two nodes (two caches, two stores, two connection sources) on one PostgreSQL schema. */
@Tag("database")
class PostgresSessionStoreIT {

    private final AtomicInteger sessionsCalls = new AtomicInteger();
    private volatile CountDownLatch slowSessionsCall = new CountDownLatch(0);
    private final SessionIssuer fakeYoFacturo = () -> {
        try {
            slowSessionsCall.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new YoFacturoSession("fake-session-" + sessionsCalls.incrementAndGet(), Instant.now().plus(Duration.ofDays(1)));
    };
    private final SessionCipher cipher = SessionCipher.fromSetting(ClusterSchema.FAKE_SECRET_KEY);
    @AutoClose
    private final TestDatabase db = ClusterSchema.migrated();

    private SessionTokenCache node(String nodeId) {
        return new SessionTokenCache(fakeYoFacturo,
                new PostgresSessionStore(ClusterSchema.dataSource(db), cipher, "acme", nodeId),
                Duration.ofHours(1), Clock.systemUTC(), "YoFacturo [acme]", "YOFACTURO_TENANT_ACME_API_KEY");
    }

    @Test
    void requestsOnTwoNodesWithoutASessionCauseOneSessionsCall() throws Exception {
        oneSessionsCallForConcurrentRequestsOnTwoNodes();
    }

    @Test
    void requestsOnTwoNodesWhoseSessionExpiredCauseOneSessionsCall() throws Exception {
        new PostgresSessionStore(ClusterSchema.dataSource(db), cipher, "acme", "node-0")
                .update(none -> new YoFacturoSession("fake-expired", Instant.now().minusSeconds(60)));
        oneSessionsCallForConcurrentRequestsOnTwoNodes();
    }

    private void oneSessionsCallForConcurrentRequestsOnTwoNodes() throws Exception {
        // given two nodes without a valid session, and a slow sessions call
        SessionTokenCache a = node("node-a");
        SessionTokenCache b = node("node-b");
        CountDownLatch release = new CountDownLatch(1);
        slowSessionsCall = release;

        // when four requests on each node ask for a token at once
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<String>> tokens = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tokens.add(pool.submit((i % 2 == 0 ? a : b)::token));
        }
        Thread.sleep(300);
        release.countDown();

        // then one sessions call for the cluster, and all eight requests carry its token
        for (Future<String> token : tokens) {
            assertThat(token.get(10, TimeUnit.SECONDS)).isEqualTo("fake-session-1");
        }
        pool.shutdown();
        assertThat(sessionsCalls).hasValue(1);
    }

    @Test
    void theTokenIsStoredEncryptedAndNamesTheNodeThatRenewedIt() throws Exception {
        // when node a gets a session
        node("node-a").token();

        // then the row holds no plain token, opens with the key for its tenant, and names node a
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT sealed_token, renewed_by FROM yyr_yofacturo_session WHERE tenant = 'acme'");
                ResultSet row = s.executeQuery()) {
            assertThat(row.next()).isTrue();
            byte[] sealed = row.getBytes(1);
            assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("fake-session-1");
            assertThat(cipher.open(sealed, "acme")).isEqualTo("fake-session-1");
            assertThat(row.getString(2)).isEqualTo("node-a");
        }
    }

    @Test
    void aTokenRefusedOnTwoNodesIsRenewedOnceAndTheSecondNodeUsesTheRenewedOne() {
        // given both nodes send the same session
        SessionTokenCache a = node("node-a");
        SessionTokenCache b = node("node-b");
        assertThat(a.token()).isEqualTo("fake-session-1");
        assertThat(b.token()).isEqualTo("fake-session-1");

        // when YoFacturo refuses it to node a (which renews), then to node b
        a.invalidate("fake-session-1");
        assertThat(a.token()).isEqualTo("fake-session-2");
        b.invalidate("fake-session-1");

        // then node b uses node a's renewal
        assertThat(b.token()).isEqualTo("fake-session-2");
        assertThat(sessionsCalls).hasValue(2);
    }

    @Test
    void aNodeStartedLaterFindsTheSessionAndItsSessionCheckRenewsNothing() {
        node("node-a").renewIfDue();

        SessionTokenCache later = node("node-b");

        assertThat(later.hasValidSession()).isTrue();
        assertThat(later.renewIfDue()).isFalse();
        assertThat(later.token()).isEqualTo("fake-session-1");
        assertThat(sessionsCalls).hasValue(1);
    }

    @Test
    void aSessionSealedWithAnotherKeyIsRenewedNotSent() {
        // given a node with another key stored the session
        String otherKey = java.util.Base64.getEncoder().encodeToString("another-fake-key-32-bytes-long!!".getBytes());
        new SessionTokenCache(fakeYoFacturo, new PostgresSessionStore(ClusterSchema.dataSource(db),
                SessionCipher.fromSetting(otherKey), "acme", "odd-node"), Duration.ofHours(1), Clock.systemUTC(),
                "YoFacturo [acme]", "YOFACTURO_TENANT_ACME_API_KEY").token();

        // when a node with this key asks for a token, then it cannot read that one and renews
        assertThat(node("node-a").token()).isEqualTo("fake-session-2");
    }
}
