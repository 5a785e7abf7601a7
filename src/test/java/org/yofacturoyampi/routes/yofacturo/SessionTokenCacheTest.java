package org.yofacturoyampi.routes.yofacturo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.TestClock;

/**
 * The YoFacturo token cache on its own: a fake sessions call and a clock the test moves, no HTTP and no Camel. Sessions
 * live 24 hours and are renewed by the session check within an hour of their expiry (renew-before PT1H).
 */
class SessionTokenCacheTest {

    private static final Duration DAY = Duration.ofHours(24);
    private static final Duration RENEW_BEFORE = Duration.ofHours(1);

    private final TestClock clock = new TestClock();
    private final FakeIssuer issuer = new FakeIssuer(clock);
    private final SessionTokenCache cache = new SessionTokenCache(issuer, RENEW_BEFORE, clock, "YoFacturo",
            "YOFACTURO_API_KEY");

    /** A fake sessions call: session-1, session-2 ... valid for {@link #validFor} from the clock's now. */
    static final class FakeIssuer implements SessionIssuer {
        final AtomicInteger calls = new AtomicInteger();
        private final Clock clock;
        volatile Duration validFor = DAY;
        volatile boolean rejectKey;
        volatile CountDownLatch answerWhen = new CountDownLatch(0);

        FakeIssuer(Clock clock) {
            this.clock = clock;
        }

        @Override
        public YoFacturoSession issue() {
            int call = calls.incrementAndGet();
            try {
                answerWhen.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (rejectKey) {
                throw new ApiKeyRejectedException();
            }
            return new YoFacturoSession("session-" + call, clock.instant().plus(validFor));
        }
    }

    @Test
    void theFirstRequestGetsANewSessionAndLaterRequestsReuseIt() {
        // when three requests ask for a token
        String first = cache.token();
        String second = cache.token();
        String third = cache.token();

        // then one sessions call served them all
        assertThat(List.of(first, second, third)).containsOnly("session-1");
        assertThat(issuer.calls).hasValue(1);
        assertThat(cache.hasValidSession()).isTrue();
    }

    @Test
    void theSessionCheckRenewsOnlyOnceTheSessionExpiresWithinRenewBefore() {
        // given a session that expires in 24 hours
        cache.token();

        // when the check runs 2 minutes before the renewal margin, then it renews nothing
        clock.advance(DAY.minus(RENEW_BEFORE).minusMinutes(2));
        assertThat(cache.renewIfDue()).isFalse();
        assertThat(issuer.calls).hasValue(1);

        // when it runs 1 minute inside the margin, then it renews, and requests send the new token
        clock.advance(Duration.ofMinutes(3));
        assertThat(cache.renewIfDue()).isTrue();
        assertThat(cache.token()).isEqualTo("session-2");
        assertThat(cache.renewals()).isEqualTo(2);
    }

    @Test
    void requestsInsideTheRenewalMarginKeepSendingTheSessionTheCheckHasNotRenewedYet() {
        // given a session within renew-before of its expiry, but still valid for 30 minutes
        cache.token();
        clock.advance(DAY.minusMinutes(30));

        // when a request asks for a token, then it gets the current one: renewals are the check's job
        assertThat(cache.token()).isEqualTo("session-1");
        assertThat(issuer.calls).hasValue(1);
    }

    @Test
    void aTokenThatWouldExpireOnTheWayIsNotSentAndIsRenewedOnTheSpot() {
        // given a session
        cache.token();

        // when a request comes 2 seconds before its expiry, then the token still goes
        clock.advance(DAY.minusSeconds(2));
        assertThat(cache.token()).isEqualTo("session-1");

        // when one comes 1 second before its expiry, then a new session is asked for and sent instead
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.token()).isEqualTo("session-2");
        assertThat(issuer.calls).hasValue(2);
    }

    @Test
    void manyCallersWithoutASessionAtOnceCauseOneSessionsCall() throws Exception {
        // given a sessions call that does not answer until the test lets it
        issuer.answerWhen = new CountDownLatch(1);
        List<String> tokens = Collections.synchronizedList(new ArrayList<>());
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            callers.add(new Thread(() -> tokens.add(cache.token()), "caller-" + i));
        }

        // when eight requests ask for a token, and all of them are waiting (for the call, or for the one making it)
        callers.forEach(Thread::start);
        await().atMost(Duration.ofSeconds(5)).until(() -> callers.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.BLOCKED));
        issuer.answerWhen.countDown();
        for (Thread caller : callers) {
            caller.join(5000);
        }

        // then one sessions call was made, and every request got its token
        assertThat(tokens).hasSize(8).containsOnly("session-1");
        assertThat(issuer.calls).hasValue(1);
    }

    @Test
    void aSessionThatCameAlreadyExpiredIsNotSentAndNoSessionsCallIsMadeDuringTheFirstBackoff() {
        // given YoFacturo issues sessions that expired an hour ago (a clock off by hours)
        issuer.validFor = Duration.ofHours(-1);

        // when a request asks for a token, then it fails saying why, and the expired token is not sent
        assertThatThrownBy(cache::token).isInstanceOf(SessionUnavailableException.class)
                .hasMessageContaining("had already expired");
        assertThat(cache.hasValidSession()).isFalse();

        // and when requests and checks come during the backoff, then no sessions call is made
        clock.advance(SessionTokenCache.FIRST_BACKOFF.minusSeconds(1));
        assertThatThrownBy(cache::token).isInstanceOf(SessionUnavailableException.class);
        assertThat(cache.renewIfDue()).isFalse();
        assertThat(issuer.calls).hasValue(1);

        // and once it is over, the next request asks again
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(cache::token).isInstanceOf(SessionUnavailableException.class);
        assertThat(issuer.calls).hasValue(2);
    }

    @Test
    void theBackoffAfterExpiredSessionsDoublesUpToItsCap() {
        // given a first expired session
        issuer.validFor = Duration.ofHours(-1);
        assertThatThrownBy(cache::token).isInstanceOf(SessionUnavailableException.class);

        // when expired sessions keep coming, then each wait is twice the last, up to the cap
        List<Duration> waits = List.of(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120),
                Duration.ofSeconds(240), Duration.ofSeconds(480), SessionTokenCache.MAX_BACKOFF,
                SessionTokenCache.MAX_BACKOFF);
        assertThat(waits.get(0)).isEqualTo(SessionTokenCache.FIRST_BACKOFF);
        for (Duration wait : waits) {
            int callsBefore = issuer.calls.get();
            clock.advance(wait.minusSeconds(1));
            assertThatThrownBy(cache::token).isInstanceOf(SessionUnavailableException.class);
            assertThat(issuer.calls).as("sessions calls 1 s before the end of a %s wait", wait).hasValue(callsBefore);
            clock.advance(Duration.ofSeconds(1));
            assertThatThrownBy(cache::token).isInstanceOf(SessionUnavailableException.class);
            assertThat(issuer.calls).as("sessions calls once a %s wait is over", wait).hasValue(callsBefore + 1);
        }
    }

    @Test
    void aValidSessionAfterExpiredOnesEndsTheBackoffSoTheNextExpiredOneStartsItAfresh() {
        // given an expired session was issued, then (once the backoff was over) a valid one
        issuer.validFor = Duration.ofHours(-1);
        assertThatThrownBy(cache::token).isInstanceOf(SessionUnavailableException.class);
        clock.advance(SessionTokenCache.FIRST_BACKOFF);
        issuer.validFor = DAY;
        assertThat(cache.token()).isEqualTo("session-2");

        // when that one is refused and the next one comes expired again
        issuer.validFor = Duration.ofHours(-1);
        cache.invalidate("session-2");
        assertThatThrownBy(cache::token).isInstanceOf(SessionUnavailableException.class);
        assertThat(issuer.calls).hasValue(3);

        // then the wait is the first backoff again, not twice the last one
        clock.advance(SessionTokenCache.FIRST_BACKOFF);
        assertThatThrownBy(cache::token).isInstanceOf(SessionUnavailableException.class);
        assertThat(issuer.calls).hasValue(4);
    }

    @Test
    void aRejectedKeyFailsTheRequestAndNoFurtherSessionsCallIsMadeByRequests() {
        // given YoFacturo answers 401 to the sessions call
        issuer.rejectKey = true;

        // when a request asks for a token, then it fails as a rejected key
        assertThatThrownBy(cache::token).isInstanceOf(ApiKeyRejectedException.class);
        assertThat(cache.isKeyRejected()).isTrue();

        // and later requests fail at once, naming the variable to set (never the key), without a sessions call
        assertThatThrownBy(cache::token).isInstanceOf(SessionUnavailableException.class)
                .hasMessageContaining("YOFACTURO_API_KEY");
        assertThat(issuer.calls).hasValue(1);
        assertThat(cache.hasValidSession()).isFalse();
    }

    @Test
    void theSessionCheckTriesARejectedKeyAgainAndASuccessEndsTheRejection() {
        // given the key was rejected
        issuer.rejectKey = true;
        assertThatThrownBy(cache::token).isInstanceOf(ApiKeyRejectedException.class);

        // when the key is valid again and the session check runs
        issuer.rejectKey = false;
        boolean renewed = cache.renewIfDue();

        // then a session was issued and requests send it
        assertThat(renewed).isTrue();
        assertThat(cache.isKeyRejected()).isFalse();
        assertThat(cache.token()).isEqualTo("session-2");
    }

    @Test
    void aRefusedTokenIsDroppedAndTheNextRequestRenews() {
        // given requests send session-1
        cache.token();

        // when YoFacturo refuses it (401 on a data call)
        cache.invalidateBearer("Bearer session-1");

        // then the next request gets a new session
        assertThat(cache.token()).isEqualTo("session-2");
        assertThat(issuer.calls).hasValue(2);
    }

    @Test
    void aLateRefusalOfAnOlderTokenKeepsTheCurrentOne() {
        // given session-1 was refused and replaced by session-2
        cache.token();
        cache.invalidate("session-1");
        cache.token();

        // when another request's refusal of session-1 arrives late
        cache.invalidate("session-1");

        // then session-2 stays, and nothing is renewed
        assertThat(cache.token()).isEqualTo("session-2");
        assertThat(issuer.calls).hasValue(2);
    }

    @Test
    void aSessionShorterThanRenewBeforeIsUsedAndRenewedAtEachCheckNotAtEachRequest() {
        // given YoFacturo issues sessions valid for 30 minutes, shorter than renew-before (an hour)
        issuer.validFor = Duration.ofMinutes(30);

        // when requests come, then the session is used
        assertThat(cache.token()).isEqualTo("session-1");
        assertThat(cache.token()).isEqualTo("session-1");
        assertThat(issuer.calls).hasValue(1);

        // and when the session check runs, then it renews each time
        assertThat(cache.renewIfDue()).isTrue();
        assertThat(cache.renewIfDue()).isTrue();
        assertThat(cache.token()).isEqualTo("session-3");
    }
}
