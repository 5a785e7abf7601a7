package org.yofacturoyampi.routes.support;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/** The root logger and Camel's at TRACE while open, for tests that a secret reaches no log line however verbose. */
public final class TraceLogs implements AutoCloseable {

    private static final String CAMEL = "org.apache.camel";

    private final Level rootBefore;
    private final Level camelBefore;

    private TraceLogs() {
        rootBefore = LogManager.getRootLogger().getLevel();
        camelBefore = LogManager.getLogger(CAMEL).getLevel();
        Configurator.setRootLevel(Level.TRACE);
        Configurator.setLevel(CAMEL, Level.TRACE);
    }

    public static TraceLogs on() {
        return new TraceLogs();
    }

    /** The levels as they were. */
    @Override
    public void close() {
        Configurator.setRootLevel(rootBefore);
        Configurator.setLevel(CAMEL, camelBefore);
    }
}
