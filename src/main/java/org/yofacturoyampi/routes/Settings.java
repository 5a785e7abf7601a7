package org.yofacturoyampi.routes;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import org.apache.camel.spi.PropertiesComponent;

/**
 * Reads the settings (config/application.properties, overridden by environment variables and -D): every value
 * trimmed, an unset one empty, and a value that is not what it must be a {@link ConfigurationException} whose one line
 * names the environment variable to fix, what it must be and the value found ({@code X must be ..., not '...'}). The
 * wirings and the settings classes read through it, so each setting is checked the same way wherever it is read.
 */
public final class Settings {

    private final Function<String, Optional<String>> lookup;

    /** @param lookup the value of a property key, empty when unset */
    public Settings(Function<String, Optional<String>> lookup) {
        this.lookup = lookup;
    }

    public static Settings of(PropertiesComponent properties) {
        return new Settings(properties::resolveProperty);
    }

    /** The value, trimmed; empty when unset. */
    public String text(String key) {
        return lookup.apply(key).orElse("").trim();
    }

    /**
     * A whole number from {@code min} to {@code max}; else the error "VARIABLE must be {@code what}, not 'value'".
     *
     * @param what what the value must be, e.g. "a whole number above 0"
     */
    public long wholeNumber(String key, long min, long max, String what) {
        String value = text(key);
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw wrong(key, what, value);
    }

    /** {@link #wholeNumber} within the range of an int. */
    public int wholeInt(String key, int min, int max, String what) {
        return (int) wholeNumber(key, min, max, what);
    }

    /**
     * An ISO-8601 duration (PT30S, PT1H) of at least {@code min} (null: any, negative ones too); else the error
     * "VARIABLE must be {@code what}, not 'value'".
     */
    public Duration duration(String key, Duration min, String what) {
        String value = text(key);
        try {
            Duration d = Duration.parse(value);
            if (min == null || d.compareTo(min) >= 0) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // said below
        }
        throw wrong(key, what, value);
    }

    /** The error for a value of {@code key} that is not {@code what}: "VARIABLE must be what, not 'value'". */
    public static ConfigurationException wrong(String key, String what, String value) {
        return new ConfigurationException(variable(key) + " must be " + what + ", not '" + value + "'");
    }

    /** The environment variable of a property, as Camel maps it: yofacturo.api-key -> YOFACTURO_API_KEY. */
    public static String variable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
