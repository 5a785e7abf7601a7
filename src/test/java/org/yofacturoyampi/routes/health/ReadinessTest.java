package org.yofacturoyampi.routes.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/** Readiness on the embedded server (/observe/health/ready) follows the credentials of the configured APIs. */
class ReadinessTest {

    @TempDir
    Path work;

    @Test
    void aRejectedYoFacturoKeyMakesReadinessDownNamingWhatToSetButNotTheKey() throws Exception {
        // given YoFacturo refuses the key (the stub issues no session)
        try (YoFacturoStub yofacturo = new YoFacturoStub();
             RunningApp app = RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> yofacturo.sessionCalls() > 0);

            HttpResponse<String> response = app.get("/observe/health/ready");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("DOWN", "yofacturo-session", "YOFACTURO_API_KEY")
                    .doesNotContain(YoFacturoStub.API_KEY);
        }
    }

    @Test
    void readinessIsUpWithAValidSessionAndGoesDownWhenTheYampiTokenIsRevoked() throws Exception {
        SandboxSettings settings = SandboxSettings.builder().build();
        try (Sandbox sandbox = Sandbox.start(settings);
             RunningApp app = RunningApp.builder(work)
                     .yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                     .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                     .property("yampi.resources", "teams").start()) {
            // given both APIs accept their credentials
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

    @Test
    void readinessGoesFromDownToUpWhenALaterSessionCheckGetsASession() throws Exception {
        // given YoFacturo refuses the key at start-up (the stub issues no session), and the session check runs every second
        try (YoFacturoStub yofacturo = new YoFacturoStub();
             RunningApp app = RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                     .property("yofacturo.session-cron", RunningApp.EVERY_SECOND).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> yofacturo.sessionCalls() > 0);
            assertThat(app.get("/observe/health/ready").statusCode()).isEqualTo(503);

            // when YoFacturo accepts the key again
            yofacturo.issuesSession();

            // then the next session check gets a session and readiness is UP
            await().atMost(Duration.ofSeconds(10)).until(() -> app.get("/observe/health/ready").statusCode() == 200);
            assertThat(app.get("/observe/health/ready").body()).contains("UP").doesNotContain("DOWN");
        }
    }

    @Test
    void livenessIsUpWhileTheAppRunsEvenWhenReadinessIsDown() throws Exception {
        // given a running app whose YoFacturo key is refused
        try (YoFacturoStub yofacturo = new YoFacturoStub();
             RunningApp app = RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> yofacturo.sessionCalls() > 0);
            assertThat(app.get("/observe/health/ready").statusCode()).isEqualTo(503);

            // when liveness is asked, then it is UP: a refused credential is no reason to restart the process
            HttpResponse<String> live = app.get("/observe/health/live");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).contains("UP").doesNotContain("yofacturo-session");
        }
    }
}
