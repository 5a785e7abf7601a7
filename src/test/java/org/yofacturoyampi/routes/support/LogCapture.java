package org.yofacturoyampi.routes.support;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Captures every log event (message and stack trace) while open. */
public final class LogCapture implements AutoCloseable {

    private final List<LogEvent> events = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;

    private LogCapture() {
        appender = new AbstractAppender("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                events.add(event.toImmutable());
            }
        };
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
        context.updateLoggers();
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** Lines "LEVEL logger - message", each followed by its stack trace if any. */
    public List<String> lines() {
        return events.stream().map(LogCapture::format).collect(Collectors.toList());
    }

    public List<String> linesAt(Level level) {
        return events.stream().filter(e -> e.getLevel() == level).map(LogCapture::format).collect(Collectors.toList());
    }

    public String all() {
        return String.join("\n", lines());
    }

    private static String format(LogEvent e) {
        String line = e.getLevel() + " " + e.getLoggerName() + " - " + e.getMessage().getFormattedMessage();
        if (e.getThrown() != null) {
            StringWriter trace = new StringWriter();
            e.getThrown().printStackTrace(new PrintWriter(trace));
            line += "\n" + trace;
        }
        return line;
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
