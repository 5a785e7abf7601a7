package org.yofacturoyampi.routes.app;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;

/**
 * {@code --sandbox}: starts the simulator of both APIs on a free loopback port and points the routes at it with its
 * fake credentials (these override any environment variable, so a real key is never sent to the simulator and the
 * fake one never to a real API). The sandbox stops with the app.
 */
final class SandboxMode extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxMode.class);

    private final Sandbox sandbox;

    private SandboxMode(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    static void install(Main main) {
        SandboxSettings settings = SandboxSettings.builder().build();
        Sandbox sandbox = Sandbox.start(settings);
        main.addOverrideProperty("yofacturo.base-url", sandbox.baseUrl());
        main.addOverrideProperty("yofacturo.api-key", settings.yofacturoApiKey());
        main.addOverrideProperty("yampi.base-url", sandbox.baseUrl());
        main.addOverrideProperty("yampi.api-token", settings.yampiUserToken());
        main.addOverrideProperty("yampi.token-kind", "user");
        main.addOverrideProperty("yampi.account-ids", "1");
        main.addMainListener(new SandboxMode(sandbox));
        LOG.info("Sandbox: simulated YoFacturo and Yampi.ai APIs at {} (fake credentials)", sandbox.baseUrl());
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        sandbox.close();
    }
}
