package org.yofacturoyampi.routes.yofacturo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

import org.junit.jupiter.api.Test;

/**
 * The session seam without Camel or HTTP: two caches on one store behave as two nodes of a cluster sharing one
 * session per organisation (the PostgreSQL store is tested the same way in cluster/PostgresSessionStoreIT).
 */
class SessionStoreTest {

    /** A fake YoFacturo: each call issues session-1, session-2 ... valid for a day, and counts the calls. */
    static final class CountingIssuer implements SessionIssuer {
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean rejectKey;
        volatile CountDownLatch slow = new CountDownLatch(0);

        @Override
        public YoFacturoSession issue() {
            if (rejectKey) {
                calls.incrementAndGet();
                throw new ApiKeyRejectedException();
            }
            try {
                slow.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new YoFacturoSession("session-" + calls.incrementAndGet(), Instant.now().plus(Duration.ofDays(1)));
        }
    }

    private final CountingIssuer issuer = new CountingIssuer();
    private final SessionStore shared = new InMemorySessionStore();

    private SessionTokenCache node() {
        return new SessionTokenCache(issuer, shared, Duration.ofHours(1), Clock.systemUTC(), "YoFacturo", "YOFACTURO_API_KEY");
    }

    @Test
    void manyCallersOnTwoNodesWithoutASessionCauseOneSessionsCall() throws Exception {
        // given two nodes on one store, and a slow sessions call
        SessionTokenCache a = node();
        SessionTokenCache b = node();
        CountDownLatch release = new CountDownLatch(1);
        issuer.slow = release;

        // when eight requests on each node ask for a token at once
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<String>> tokens = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            SessionTokenCache node = i % 2 == 0 ? a : b;
            tokens.add(pool.submit(node::token));
        }
        Thread.sleep(200);
        release.countDown();

        // then one sessions call was made and every request got its token
        for (Future<String> token : tokens) {
            assertThat(token.get(5, TimeUnit.SECONDS)).isEqualTo("session-1");
        }
        pool.shutdown();
        assertThat(issuer.calls).hasValue(1);
    }

    @Test
    void aNodeStartingAfterAnotherUsesTheStoredSessionInsteadOfRenewing() {
        // given node a holds a session
        SessionTokenCache a = node();
        assertThat(a.renewIfDue()).isTrue();

        // when node b starts and runs its session check, then asks for a token
        SessionTokenCache b = node();
        boolean renewed = b.renewIfDue();

        // then b renewed nothing and sends a's token
        assertThat(renewed).isFalse();
        assertThat(b.token()).isEqualTo("session-1");
        assertThat(b.hasValidSession()).isTrue();
        assertThat(issuer.calls).hasValue(1);
    }

    @Test
    void aRefusedTokenIsRenewedOnceForEveryNode() {
        // given both nodes send session-1
        SessionTokenCache a = node();
        SessionTokenCache b = node();
        assertThat(a.token()).isEqualTo("session-1");
        assertThat(b.token()).isEqualTo("session-1");

        // when YoFacturo refuses it to node a, which renews, and then to node b
        a.invalidate("session-1");
        assertThat(a.token()).isEqualTo("session-2");
        b.invalidate("session-1");

        // then node b uses the token a renewed: one renewal for both
        assertThat(b.token()).isEqualTo("session-2");
        assertThat(issuer.calls).hasValue(2);
    }

    @Test
    void aRefusalOfAnOldTokenDoesNotDropTheNewerOne() {
        // given node a renewed to session-2 after a refusal, while node b still holds session-1
        SessionTokenCache a = node();
        SessionTokenCache b = node();
        b.token();
        a.invalidate("session-1");
        a.token();

        // when node b's request with session-1 is refused, and later node a's stale refusal of session-1 arrives
        b.invalidate("session-1");
        a.invalidate("session-1");

        // then session-2 stays for both
        assertThat(a.token()).isEqualTo("session-2");
        assertThat(b.token()).isEqualTo("session-2");
        assertThat(issuer.calls).hasValue(2);
    }

    @Test
    void aRejectedKeyDropsTheStoredSessionForEveryNode() {
        // given a session due for renewal is stored (it expires within renew-before)
        shared.update(none -> new YoFacturoSession("old", Instant.now().plus(Duration.ofMinutes(10))));
        SessionTokenCache a = node();
        SessionTokenCache b = node();

        // when node a's session check meets a rejected key
        issuer.rejectKey = true;
        assertThatThrownBy(a::renewIfDue).isInstanceOf(ApiKeyRejectedException.class);

        // then no node holds a session any more, and node a sends no request until a later check succeeds
        assertThat(shared.read()).isNull();
        assertThat(b.hasValidSession()).isFalse();
        assertThatThrownBy(a::token).isInstanceOf(SessionUnavailableException.class);
        issuer.rejectKey = false;
        assertThat(a.renewIfDue()).isTrue();
        assertThat(a.token()).isEqualTo("session-2");
    }
}
