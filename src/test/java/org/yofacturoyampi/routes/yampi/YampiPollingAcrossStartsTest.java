package org.yofacturoyampi.routes.yampi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;

/**
 * The Yampi feeds' delivery state across a restart of the app on the same state folder, against the sandbox's Yampi
 * (account 1: 40 contacts, 60 conversations, and the other default resources). A restart is two starts, which Camel's
 * test kit (one context per configuration) cannot make, so the test starts the app itself ({@link RunningApp}); the
 * scenarios of one running app are in {@link YampiPollingTest}.
 */
class YampiPollingAcrossStartsTest {

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().build();
    private final Sandbox sandbox = Sandbox.start(settings);

    @AfterEach
    void stopSandbox() {
        sandbox.close();
    }

    private RunningApp.Builder app() {
        return RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1");
    }

    private long files(String dir) throws Exception {
        return JsonFiles.in(work.resolve("out/yampi/1").resolve(dir));
    }

    @Test
    void deliveryStateSurvivesARestart() throws Exception {
        // given a first run that delivered everything
        try (RunningApp app = app().start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> files("contacts") == 40 && files("conversations") == 60);
        }

        // when the app restarts on the same state folder and polls twice
        try (RunningApp app = app().property("yampi.to", "mock:yampi").start()) {
            MockEndpoint downstream = app.context().getEndpoint("mock:yampi", MockEndpoint.class);
            int requests = sandbox.yampi().requestCount();
            await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.yampi().requestCount() >= requests + 2 * 11);

            // then nothing that was delivered before is delivered again
            assertThat(downstream.getReceivedCounter()).isZero();
        }
    }
}
