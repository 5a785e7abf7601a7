package org.yofacturoyampi.routes.app;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.spi.PropertiesComponent;
import org.quartz.CronExpression;
import org.yofacturoyampi.routes.ConfigurationException;

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

    private SettingsCheck() {
    }

    static void check(PropertiesComponent properties) {
        List<String> problems = new ArrayList<>();
        for (String[] cron : CRONS) {
            String value = properties.resolveProperty(cron[0]).orElse("").trim();
            if (!CronExpression.isValidExpression(value)) {
                problems.add(cron[1] + " must be a Quartz cron with a seconds field first, such as '0 0/5 * * * ?' "
                        + "(every 5 minutes), not '" + value + "'");
            }
        }
        for (String[] url : URLS) {
            String value = properties.resolveProperty(url[0]).orElse("").trim();
            if (!isHttpUrl(value)) {
                problems.add(url[1] + " must be an http(s) URL such as https://app.example.com, not '" + value + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join("\n", problems));
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
