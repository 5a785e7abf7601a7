package org.yofacturoyampi.routes.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.OutOfMemoryExit;
import org.yofacturoyampi.routes.cluster.ClusterWiring;
import org.yofacturoyampi.routes.metrics.FeedMetrics;
import org.yofacturoyampi.routes.sink.TableSinkWiring;
import org.yofacturoyampi.routes.trigger.FeedRuns;

/** Starts the routes: {@code java -jar target/yofacturo-yampi-routes.jar [--sandbox]}. */
public final class Application {

    private Application() {
    }

    public static void main(String... args) throws Exception {
        LaunchOptions options;
        try {
            options = LaunchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(LaunchOptions.USAGE);
            return;
        }
        for (String config : options.configFiles()) {
            if (!Files.isRegularFile(Path.of(config))) {
                System.err.println("configuration file " + Path.of(config).toAbsolutePath()
                        + " not found: run from the project folder or pass --config FILE");
                System.exit(2);
            }
        }
        // a thread that dies of an OutOfMemoryError ends the process (see OutOfMemoryExit)
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            OutOfMemoryExit.ifOutOfMemory(failure);
            if (previous != null) {
                previous.uncaughtException(thread, failure);
            } else {
                failure.printStackTrace();
            }
        });
        Main main = create(options, Map.of());
        try {
            if (options.once()) {
                System.exit(RunOnce.run(main, System.out));
            }
            main.run();
        } catch (RuntimeException e) {
            ConfigurationException wrong = configurationError(e);
            if (wrong == null) {
                throw e;
            }
            for (String line : wrong.getMessage().split("\n")) {
                System.err.println("configuration error: " + line);
            }
            System.exit(2);
        }
        System.exit(main.getExitCode());
    }

    private static ConfigurationException configurationError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationException wrong) {
                return wrong;
            }
        }
        return null;
    }

    /**
     * A camel-main runtime for these options; {@code overrides} win over every file (tests use them). Environment
     * variables and system properties still win over them: Camel looks those up first.
     */
    public static Main create(LaunchOptions options, Map<String, String> overrides) {
        Main main = new Main();
        main.setPropertyPlaceholderLocations(propertyLocations(options));
        if (options.routesPattern() != null) {
            main.addOverrideProperty("camel.main.routes-include-pattern", options.routesPattern());
        }
        overrides.forEach(main::addOverrideProperty);
        if (options.once()) {
            RunOnce.configure(main);
        }
        if (options.sandbox()) {
            SandboxMode.install(main);
        }
        wire(main.configure());
        return main;
    }

    /**
     * The property files of these options as Camel's placeholder locations ({@code file:...}, comma-separated). Camel
     * takes a key from the first location that has it, so the files are listed last-first: later ones win.
     */
    public static String propertyLocations(LaunchOptions options) {
        List<String> locations = new ArrayList<>(options.configFiles());
        Collections.reverse(locations);
        return locations.stream().map(f -> "file:" + f).collect(Collectors.joining(","));
    }

    /**
     * The listeners that wire the runtime, in their order: what {@link #create} gives every {@code java -jar}, and what
     * a route test on camel-test-main-junit5 gives its context from a {@code @Configure} method.
     */
    public static void wire(MainConfigurationProperties main) {
        // first: the wirings below find the cluster's database in the registry when cluster mode is on
        main.addMainListener(new ClusterWiring());
        // second: the table sink's delivery states go over the cluster's (or the files'), before the feeds make theirs
        main.addMainListener(new TableSinkWiring());
        MainContext context = new MainContext();
        main.addMainListener(context);
        FeedMetrics metrics = new FeedMetrics(context);
        FeedRuns feeds = new FeedRuns(new ObjectMapper(), Clock.systemUTC(), metrics::record);
        // the shared beans, then each API's (YoFacturoWiring, YampiWiring)
        main.addMainListener(new RuntimeWiring(feeds, metrics));
        // after the wirings, which add the schedule routes it counts
        main.addMainListener(new QuartzThreads());
    }
}
