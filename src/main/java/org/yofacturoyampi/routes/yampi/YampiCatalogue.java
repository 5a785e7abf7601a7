package org.yofacturoyampi.routes.yampi;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import org.yofacturoyampi.routes.ConfigurationException;

/** The Yampi resources this app knows, read from the {@code yampi.catalogue.<name>.<field>} properties. */
public final class YampiCatalogue {

    public static final String PREFIX = "yampi.catalogue.";

    private final Map<String, YampiResource> resources;

    private YampiCatalogue(Map<String, YampiResource> resources) {
        this.resources = resources;
    }

    /**
     * @param keys     every property key there is (to find the resource names)
     * @param property resolves one key to its value (environment overrides included), or null
     */
    public static YampiCatalogue read(Set<String> keys, Function<String, String> property) {
        Set<String> names = new TreeSet<>();
        for (String key : keys) {
            if (key.startsWith(PREFIX)) {
                String rest = key.substring(PREFIX.length());
                int dot = rest.indexOf('.');
                if (dot > 0) {
                    names.add(rest.substring(0, dot));
                }
            }
        }
        Map<String, YampiResource> resources = new TreeMap<>();
        for (String name : names) {
            Function<String, String> field = f -> {
                String v = property.apply(PREFIX + name + "." + f);
                return v == null ? "" : v.trim();
            };
            String pageSize = field.apply("page-size");
            Set<YampiTokenKind> kinds = EnumSet.noneOf(YampiTokenKind.class);
            for (String kind : field.apply("tokens").split(",")) {
                if (!kind.isBlank()) {
                    kinds.add(tokenKind(name, kind));
                }
            }
            resources.put(name, new YampiResource(name, field.apply("path"), field.apply("platform-path"),
                    field.apply("query"), field.apply("records"), orDefault(field.apply("id"), "id"),
                    orDefault(field.apply("paging"), "none"), pageSize(name, pageSize),
                    field.apply("count"), Set.copyOf(kinds)));
        }
        return new YampiCatalogue(Map.copyOf(resources));
    }

    /** The resources named in {@code YAMPI_RESOURCES}, in that order; an unknown name is a configuration error. */
    public List<YampiResource> select(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(n -> !n.isEmpty()).distinct()
                .map(name -> {
                    YampiResource r = resources.get(name);
                    if (r == null) {
                        throw new ConfigurationException("YAMPI_RESOURCES names an unknown resource '" + name
                                + "'; known: " + String.join(", ", new TreeSet<>(resources.keySet())));
                    }
                    return r;
                }).toList();
    }

    /** One resource of the catalogue; a missing one is a configuration error. */
    public YampiResource find(String name) {
        YampiResource r = resources.get(name);
        if (r == null) {
            throw new ConfigurationException("the resource catalogue has no " + PREFIX + name + ".* entry");
        }
        return r;
    }

    /** A token kind of a resource's {@code tokens} list; a wrong one names that property, not YAMPI_TOKEN_KIND. */
    private static YampiTokenKind tokenKind(String name, String value) {
        try {
            return YampiTokenKind.parse(value);
        } catch (ConfigurationException e) {
            throw new ConfigurationException(PREFIX + name + ".tokens must list token kinds among user, bot, platform, "
                    + "not '" + value.trim() + "'");
        }
    }

    private static int pageSize(String name, String value) {
        if (value.isEmpty()) {
            return 0;
        }
        try {
            int size = Integer.parseInt(value);
            if (size > 0) {
                return size;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ConfigurationException(PREFIX + name + ".page-size must be a whole number above 0, not '" + value + "'");
    }

    private static String orDefault(String value, String fallback) {
        return value.isEmpty() ? fallback : value;
    }
}
