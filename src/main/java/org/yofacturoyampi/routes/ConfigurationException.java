package org.yofacturoyampi.routes;

/**
 * A setting is wrong. The message names the variable or property to fix and what it must be; start-up prints it as one
 * line, without a stack trace.
 */
public final class ConfigurationException extends RuntimeException {

    public ConfigurationException(String message) {
        super(message, null, false, false);
    }
}
