package org.yofacturoyampi.routes.yampi;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.yofacturoyampi.routes.ConfigurationException;

/** The three kinds of Yampi token, all sent in the {@code api_access_token} header. */
public enum YampiTokenKind {
    USER, BOT, PLATFORM;

    public static YampiTokenKind parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("YAMPI_TOKEN_KIND must be one of "
                    + Arrays.stream(values()).map(YampiTokenKind::label).collect(Collectors.joining(", "))
                    + ", not '" + value + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
