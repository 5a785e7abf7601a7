package org.yofacturoyampi.routes.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;

import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.AppHttp;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * Readiness on the embedded server (/observe/health/ready) follows the credentials of the configured APIs. On Camel's
 * test kit ({@link CamelMainTest}): each nested class is one configuration of the real app against its own upstream,
 * asked over HTTP ({@link AppHttp}). The two tests of a refused key only read the app's state, so they share one
 * context; a test that changes its upstream's answers has a context of its own.
 */
@CamelMainTest
class ReadinessTest {

    @Nested
    class ARefusedKey extends SharedAppContext {

        // YoFacturo refuses the key: the stub issues no session
        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        @Configure
        void theAppWithAKeyYoFacturoRefuses(MainConfigurationProperties main) {
            RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY).configure(main);
        }

        @Test
        void aRejectedYoFacturoKeyMakesReadinessDownNamingWhatToSetButNotTheKey() throws Exception {
            // given YoFacturo refused the key
            await().atMost(Duration.ofSeconds(10)).until(() -> yofacturo.sessionCalls() > 0);

            HttpResponse<String> response = AppHttp.of(context).get("/observe/health/ready");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("DOWN", "yofacturo-session", "YOFACTURO_API_KEY")
                    .doesNotContain(YoFacturoStub.API_KEY);
        }

        @Test
        void livenessIsUpWhileTheAppRunsEvenWhenReadinessIsDown() throws Exception {
            // given a running app whose YoFacturo key is refused
            await().atMost(Duration.ofSeconds(10)).until(() -> yofacturo.sessionCalls() > 0);
            assertThat(AppHttp.of(context).get("/observe/health/ready").statusCode()).isEqualTo(503);

            // when liveness is asked, then it is UP: a refused credential is no reason to restart the process
            HttpResponse<String> live = AppHttp.of(context).get("/observe/health/live");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).contains("UP").doesNotContain("yofacturo-session");
        }
    }

    @Nested
    class ARefusedKeyCheckedEverySecond extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub());

        @Configure
        void theAppCheckingTheSessionEverySecond(MainConfigurationProperties main) {
            RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                    .property("yofacturo.session-cron", RunningApp.EVERY_SECOND).configure(main);
        }

        @Test
        void readinessGoesFromDownToUpWhenALaterSessionCheckGetsASession() throws Exception {
            // given YoFacturo refused the key at start-up (the stub issues no session)
            AppHttp app = AppHttp.of(context);
            await().atMost(Duration.ofSeconds(10)).until(() -> yofacturo.sessionCalls() > 0);
            assertThat(app.get("/observe/health/ready").statusCode()).isEqualTo(503);

            // when YoFacturo accepts the key again
            yofacturo.issuesSession();

            // then the next session check gets a session and readiness is UP
            await().atMost(Duration.ofSeconds(10)).until(() -> app.get("/observe/health/ready").statusCode() == 200);
            assertThat(app.get("/observe/health/ready").body()).contains("UP").doesNotContain("DOWN");
        }
    }

    @Nested
    class BothApisOnTheSandbox extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppPollingYampiTeamsEverySecond(MainConfigurationProperties main) {
            RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                    .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                    .property("yampi.resources", "teams").configure(main);
        }

        @Test
        void readinessIsUpWithAValidSessionAndGoesDownWhenTheYampiTokenIsRevoked() throws Exception {
            // given both APIs accept their credentials
            AppHttp app = AppHttp.of(context);
            await().atMost(Duration.ofSeconds(10)).until(() -> app.get("/observe/health/ready").statusCode() == 200);
            assertThat(app.get("/observe/health/ready").body()).contains("UP");

            // when the Yampi token is revoked and the next poll meets the 401
            sandbox.yampi().revokeToken(settings.yampiUserToken());

            // then readiness goes DOWN, naming the Yampi token's variable
            await().atMost(Duration.ofSeconds(10)).until(() -> app.get("/observe/health/ready").statusCode() == 503);
            assertThat(app.get("/observe/health/ready").body()).contains("yampi-token", "YAMPI_API_TOKEN")
                    .doesNotContain(settings.yampiUserToken()).doesNotContain("yofacturo-session");
        }
    }
}
