package org.yofacturoyampi.routes.support;

import java.util.Map;
import java.util.Properties;

import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * A test's application properties, set on the properties component before the context is initialised, so the
 * wiring's first look at the properties already sees them: environment variables are not read at all (Camel looks
 * them up before its override properties, so an exported YOFACTURO_API_KEY would beat a test's empty one), and, for a
 * context that camel-test-main-junit5 makes, the property files and the overrides that {@code Main} would have set.
 */
final class IsolatedProperties extends MainListenerSupport {

    private final String locations;
    private final Map<String, String> overrides;

    private IsolatedProperties(String locations, Map<String, String> overrides) {
        this.locations = locations;
        this.overrides = Map.copyOf(overrides);
    }

    /** Blind to environment variables; the files and overrides are Main's own. */
    static IsolatedProperties environmentBlind() {
        return new IsolatedProperties(null, Map.of());
    }

    /** Blind to environment variables, reading these placeholder locations with these overrides winning over them. */
    static IsolatedProperties of(String locations, Map<String, String> overrides) {
        return new IsolatedProperties(locations, overrides);
    }

    @Override
    public void beforeInitialize(BaseMainSupport main) {
        PropertiesComponent properties = (PropertiesComponent) main.getCamelContext().getPropertiesComponent();
        properties.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        if (locations != null) {
            properties.setLocation(locations);
        }
        if (!overrides.isEmpty()) {
            Properties merged = new Properties();
            if (properties.getOverrideProperties() != null) {
                merged.putAll(properties.getOverrideProperties());
            }
            merged.putAll(overrides);
            properties.setOverrideProperties(merged);
        }
    }
}
