package org.yofacturoyampi.routes.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.spi.PropertiesComponent;
import org.quartz.CronExpression;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.Settings;

/**
 * Checks the settings that would otherwise fail late or obscurely (a malformed cron, a base URL that is not a URL)
 * before any route starts or request is sent; every problem is one line naming the variable and what it must be.
 */
final class SettingsCheck {

    private static final String[][] CRONS = {
        {"yofacturo.poll-cron", "YOFACTURO_POLL_CRON"},
        {"yofacturo.session-cron", "YOFACTURO_SESSION_CRON"},
        {"yampi.poll-cron", "YAMPI_POLL_CRON"},
    };
    private static final String[][] URLS = {
        {"yofacturo.base-url", "YOFACTURO_BASE_URL"},
        {"yampi.base-url", "YAMPI_BASE_URL"},
    };

    /** Limits: a whole number from 1 to the maximum. */
    private static final String[][] LIMITS = {
        {"paging.max-pages", "PAGING_MAX_PAGES", "pages", String.valueOf(Integer.MAX_VALUE)},
        {"http.max-answer-bytes", "HTTP_MAX_ANSWER_BYTES", "bytes", String.valueOf(Integer.MAX_VALUE - 8)},
        {"dead-letter.max-body-bytes", "DEAD_LETTER_MAX_BODY_BYTES", "bytes", String.valueOf(Integer.MAX_VALUE - 8)},
    };

    private SettingsCheck() {
    }

    static void check(PropertiesComponent camel) {
        Settings properties = Settings.of(camel);
        List<String> problems = new ArrayList<>();
        for (String[] cron : CRONS) {
            String value = properties.text(cron[0]);
            if (!CronExpression.isValidExpression(value)) {
                problems.add(cron[1] + " must be a Quartz cron with a seconds field first, such as '0 0/5 * * * ?' "
                        + "(every 5 minutes), not '" + value + "'");
            }
        }
        for (String[] url : URLS) {
            String value = properties.text(url[0]);
            if (!isHttpUrl(value)) {
                problems.add(url[1] + " must be an http(s) URL such as https://app.example.com, not '" + value + "'");
            }
        }
        for (String[] limit : LIMITS) {
            String value = properties.text(limit[0]);
            long max = Long.parseLong(limit[3]);
            long number;
            try {
                number = Long.parseLong(value);
            } catch (NumberFormatException e) {
                number = -1;
            }
            if (number < 1 || number > max) {
                problems.add(limit[1] + " must be a whole number of " + limit[2] + " from 1 to " + max + ", such as "
                        + (limit[2].equals("pages") ? "20000" : "16777216 (16 MiB)") + ", not '" + value + "'");
            }
        }
        if (Boolean.parseBoolean(properties.text("camel.server.enabled"))) {
            String host = camel.resolveProperty("camel.server.host").orElse("0.0.0.0");
            String port = camel.resolveProperty("camel.server.port").orElse("8080");
            String problem = portProblem(host, port);
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join("\n", problems));
        }
    }

    /** Whether the embedded server can listen there; a port already taken would only fail later, and loudly. */
    private static String portProblem(String host, String port) {
        int number;
        try {
            number = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            return "SERVER_PORT must be a port number, not '" + port + "'";
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, number));
            return null;
        } catch (IOException e) {
            return "SERVER_PORT " + number + " cannot be used on " + host + " (" + e.getMessage()
                    + "): set SERVER_PORT to a free port (the HTTP server of triggers, health and metrics)";
        }
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
