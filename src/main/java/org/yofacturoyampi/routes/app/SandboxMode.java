package org.yofacturoyampi.routes.app;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.Settings;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.tenant.Tenants;

/**
 * {@code --sandbox}: starts the simulator of both APIs on a free loopback port and points the routes at it with its
 * fake credentials, as the one tenant of each API (the configured tenant lists are emptied, so no tenant's key or
 * token is read). Camel lets environment variables and system properties win over these settings, so before anything
 * is configured the sandbox checks that each of them is in force; if one is not (YOFACTURO_API_KEY or YAMPI_TENANTS
 * exported, say), start-up stops with one line naming the variables, never their values. Thus a real key is never sent
 * to the simulator, and the fake one never to a real API. The sandbox stops with the app.
 */
final class SandboxMode extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxMode.class);

    private final Sandbox sandbox;
    private final Map<String, String> settings;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SandboxMode(Sandbox sandbox, Map<String, String> settings) {
        this.sandbox = sandbox;
        this.settings = settings;
    }

    static void install(Main main) {
        SandboxSettings fake = SandboxSettings.builder().build();
        Sandbox sandbox = Sandbox.start(fake);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("yofacturo.base-url", sandbox.baseUrl());
        settings.put("yofacturo.api-key", fake.yofacturoApiKey());
        settings.put("yofacturo.tenants", "");
        settings.put("yampi.base-url", sandbox.baseUrl());
        settings.put("yampi.api-token", fake.yampiUserToken());
        settings.put("yampi.token-kind", "user");
        settings.put("yampi.account-ids", "1");
        settings.put("yampi.tenants", "");
        settings.forEach(main::addOverrideProperty);
        main.addMainListener(new SandboxMode(sandbox, Map.copyOf(settings)));
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        Settings properties = Settings.of(main.getCamelContext().getPropertiesComponent());
        List<String> overruled = settings.entrySet().stream()
                .filter(s -> !s.getValue().equals(properties.text(s.getKey())))
                .map(s -> Tenants.environmentVariable(s.getKey())).sorted().toList();
        if (!overruled.isEmpty()) {
            close();
            throw new ConfigurationException("--sandbox runs on the simulator's fake credentials, but "
                    + String.join(", ", overruled) + (overruled.size() == 1 ? " is" : " are")
                    + " set (environment or -D) and would win over them: unset "
                    + (overruled.size() == 1 ? "it" : "them") + " to run the sandbox");
        }
        Duration latency;
        Duration jitter;
        try {
            latency = latency(properties, "sandbox.latency");
            jitter = latency(properties, "sandbox.latency-jitter");
        } catch (ConfigurationException e) {
            close();
            throw e;
        }
        sandbox.latency(latency, jitter);
        LOG.info("Sandbox: simulated YoFacturo and Yampi.ai APIs at {} (fake credentials){}", sandbox.baseUrl(),
                latency.isZero() && jitter.isZero() ? ""
                        : ", answering in " + latency.toMillis() + " ms" + (jitter.isZero() ? ""
                                : " plus up to " + jitter.toMillis() + " ms"));
    }

    /** A latency setting of the sandbox: an ISO-8601 duration from zero (empty: none). */
    private static Duration latency(Settings properties, String key) {
        return properties.text(key).isEmpty() ? Duration.ZERO
                : properties.duration(key, Duration.ZERO, "an ISO-8601 duration from zero, such as PT0.05S (50 ms)");
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        close();
    }

    private void close() {
        if (closed.compareAndSet(false, true)) {
            sandbox.close();
        }
    }
}
