package org.yofacturoyampi.routes.app;

import java.util.ArrayList;
import java.util.List;

/** The command line: {@code [--sandbox] [--once] [--config FILE]... [--routes PATTERN]}. */
public record LaunchOptions(boolean sandbox, boolean once, List<String> configFiles, String routesPattern, boolean help) {

    public static final String DEFAULT_CONFIG = "config/application.properties";
    public static final String SANDBOX_CONFIG = "config/application-sandbox.properties";
    public static final String USAGE = """
            usage: java -jar target/yofacturo-yampi-routes.jar [--sandbox] [--once] [--config FILE]... [--routes PATTERN]
              --sandbox         start the built-in simulator of both APIs and poll it (adds config/application-sandbox.properties)
              --once            run every configured feed once, save state and exit: 0 if all was delivered, 1 if not
              --config FILE     properties file to load (repeatable, later files win); default config/application.properties
              --routes PATTERN  route files to load; default file:routes/*.yaml
            Every property can also be set by an environment variable (see README).""";

    public static LaunchOptions parse(String... args) {
        boolean sandbox = false;
        boolean help = false;
        boolean once = false;
        List<String> configs = new ArrayList<>();
        String routes = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--sandbox" -> sandbox = true;
                case "--help", "-h" -> help = true;
                case "--once" -> once = true;
                case "--config" -> configs.add(valueOf(args, ++i, arg));
                case "--routes" -> routes = valueOf(args, ++i, arg);
                default -> {
                    if (arg.startsWith("--config=")) {
                        configs.add(arg.substring("--config=".length()));
                    } else if (arg.startsWith("--routes=")) {
                        routes = arg.substring("--routes=".length());
                    } else {
                        throw new IllegalArgumentException("unknown option '" + arg + "'\n" + USAGE);
                    }
                }
            }
        }
        if (configs.isEmpty()) {
            configs.add(DEFAULT_CONFIG);
            if (sandbox) {
                configs.add(SANDBOX_CONFIG);
            }
        }
        return new LaunchOptions(sandbox, once, List.copyOf(configs), routes, help);
    }

    private static String valueOf(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[i];
    }
}
