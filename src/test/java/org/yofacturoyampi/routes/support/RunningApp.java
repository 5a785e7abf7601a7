package org.yofacturoyampi.routes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;
import org.yofacturoyampi.routes.app.Application;
import org.yofacturoyampi.routes.app.LaunchOptions;

/**
 * The real application (config/application.properties, routes/*.yaml) started in-process, with a few properties
 * overridden: where the APIs are, where output and state go, and fast schedules. Every credential and tenant list is
 * empty unless a test sets it, the HTTP server takes a free port, and environment variables are not read at all (Camel
 * lets them win over these overrides), so no YOFACTURO_* / YAMPI_* / SERVER_PORT of the developer's environment reaches a
 * test.
 */
public final class RunningApp implements AutoCloseable {

    /** Quartz cron firing every second. */
    public static final String EVERY_SECOND = "0/1 * * * * ?";
    /** Quartz cron that will not fire during a test. */
    public static final String NEVER = "0 0 0 1 1 ? 2099";
    /**
     * The inbound folders' read lock of config/application.properties, checked every 100 ms instead of every 500 ms: the
     * same "changed" check (a file is read once its size and time stay the same between two checks), sooner. Cluster
     * mode replaces it with its own, as it does the configured one.
     */
    public static final String READ_LOCK = "readLock=changed&readLockCheckInterval=100";

    private final Main main;

    private RunningApp(Main main) {
        this.main = main;
    }

    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    /** The port of the embedded HTTP server. */
    public int httpPort() {
        return AppHttp.of(context()).port();
    }

    /** A GET on the embedded HTTP server, e.g. {@code /observe/health/ready}. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return AppHttp.of(context()).get(path);
    }

    /** A POST of JSON on the embedded HTTP server. */
    public HttpResponse<String> postJson(String path, String body) throws IOException, InterruptedException {
        return AppHttp.of(context()).postJson(path, body);
    }

    /** {@link AppHttp#syncOverHttp}: a sync trigger over HTTP, then its report once the run is done. */
    public HttpResponse<String> syncOverHttp(String trigger) throws IOException, InterruptedException {
        return AppHttp.of(context()).syncOverHttp(trigger);
    }

    /**
     * Waits until the route reading this inbound folder (every inbound.poll-delay) has polled it {@code polls} more
     * times, at most 20 s: "several more polls went by", counted rather than slept. A poll that takes a file returns
     * once the file's exchange is done, so the counted polls come after it.
     */
    public void awaitPolls(Path folder, int polls) {
        InboundPolls.await(context(), folder, polls);
    }

    public boolean isRouteStarted(String routeId) {
        return context().getRouteController().getRouteStatus(routeId) == ServiceStatus.Started;
    }

    @Override
    public void close() {
        main.stop();
    }

    public static final class Builder {
        private final Path workDir;
        private final Map<String, String> properties = new HashMap<>();
        private boolean sandbox;

        private Builder(Path workDir) {
            this.workDir = workDir;
            properties.put("output-dir", workDir.resolve("out").toString());
            properties.put("state-dir", workDir.resolve("state").toString());
            properties.put("yofacturo.poll-cron", NEVER);
            properties.put("yofacturo.session-cron", NEVER);
            properties.put("yofacturo.api-key", "");
            properties.put("yofacturo.tenants", "");
            properties.put("yampi.poll-cron", NEVER);
            properties.put("yampi.api-token", "");
            properties.put("yampi.account-ids", "");
            properties.put("yampi.tenants", "");
            properties.put("input-dir", workDir.resolve("in").toString());
            properties.put("inbound.poll-delay", "200");
            properties.put("inbound.read-lock", READ_LOCK);
            properties.put("server.host", "127.0.0.1");
            properties.put("server.port", String.valueOf(freePort()));
            // cluster mode (a test that sets cluster.database-url) needs a key; an obviously fake one
            properties.put("cluster.secret-key", ClusterSchema.FAKE_SECRET_KEY);
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder yofacturo(String baseUrl, String apiKey) {
            return property("yofacturo.base-url", baseUrl).property("yofacturo.api-key", apiKey);
        }

        /** Yampi feeds against {@code baseUrl} with a token of the given kind, polling every second. */
        public Builder yampi(String baseUrl, String token, String kind, String accountIds) {
            return property("yampi.base-url", baseUrl).property("yampi.api-token", token)
                    .property("yampi.token-kind", kind).property("yampi.account-ids", accountIds)
                    .property("yampi.poll-cron", EVERY_SECOND);
        }

        /** Cluster mode on this database (the key is the fake one set above unless a test sets cluster.secret-key). */
        public Builder clusterDatabase(String url, String user) {
            return property("cluster.database-url", url).property("cluster.database-user", user);
        }

        /** Cluster mode on this test schema. */
        public Builder clusterDatabase(TestDatabase db) {
            return clusterDatabase(db.url(), db.user());
        }

        public Builder sandbox() {
            this.sandbox = true;
            return this;
        }

        /** The application for these command-line arguments, not started. */
        public Main create(String... args) {
            return isolated(LaunchOptions.parse(args));
        }

        public RunningApp start() {
            Main main = isolated(sandbox ? LaunchOptions.parse("--sandbox") : LaunchOptions.parse());
            try {
                main.start();
            } catch (RuntimeException e) {
                main.stop();
                throw e;
            }
            return new RunningApp(main);
        }

        /**
         * This application for a route test on camel-test-main-junit5: call it from the test's {@code @Configure}
         * method, and the extension boots the same config/ and routes/ with the same wiring as {@link #start()}, these
         * properties overriding the files and no environment variable read.
         */
        public void configure(MainConfigurationProperties main) {
            KitWiring.addTo(main, IsolatedProperties.of(Application.propertyLocations(LaunchOptions.parse()), properties));
        }

        /**
         * The application with these properties, blind to environment variables, set before the context is
         * initialised so that the wiring's first look at the properties already ignores them.
         */
        private Main isolated(LaunchOptions options) {
            Main main = Application.create(options, properties);
            main.addMainListener(IsolatedProperties.environmentBlind());
            return main;
        }
    }
}
