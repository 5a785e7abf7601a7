package org.yofacturoyampi.routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.impl.StdSchedulerFactory;

/**
 * The Quartz properties to change: what Quartz uses when given nothing (its bundled quartz.properties), under what the
 * component already has. Setting properties on camel-quartz replaces Quartz's defaults whole, so whoever sets one
 * (the thread count, the clustered JobStore) starts from these.
 */
public final class QuartzProperties {

    private QuartzProperties() {
    }

    public static Map<Object, Object> of(QuartzComponent quartz) {
        Map<Object, Object> properties = new HashMap<>(defaults());
        if (quartz.getProperties() != null) {
            properties.putAll(quartz.getProperties());
        }
        return properties;
    }

    private static Properties defaults() {
        Properties defaults = new Properties();
        try (InputStream in = StdSchedulerFactory.class.getClassLoader().getResourceAsStream("org/quartz/quartz.properties")) {
            if (in != null) {
                defaults.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return defaults;
    }
}
