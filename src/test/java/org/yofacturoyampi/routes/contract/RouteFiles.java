package org.yofacturoyampi.routes.contract;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What the YAML route files name, read from the parsed files (comments left out): the beans they refer to, the
 * property placeholders they use, the exchange variables they set and read, and the message headers they name. Each
 * finding is kept with the file it came from ({@link Use}), so a failure says where to look.
 */
final class RouteFiles {

    /** A name used in a route file. */
    record Use(String name, String file) {
        @Override
        public String toString() {
            return name + " (" + file + ")";
        }
    }

    /** {@code {{key}}}, {@code {{key:default}}}; {@code ?} (optional) and {@code !} (negated) before the key. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]+)}}");
    /** Camel's property functions ({{env:X}}, {{sys:X}} ...), which are not keys of the configuration. */
    private static final Set<String> PROPERTY_FUNCTIONS = Set.of("env", "sys", "service", "service.host",
            "service.port", "bean", "ref", "base64", "random", "uuid", "boolean");
    /** {@code ${variable.x}}, {@code ${variable:x}}, {@code ${variables.x}}, {@code ${variableAs(x, Type)}}. */
    private static final Pattern SIMPLE_VARIABLE = Pattern.compile(
            "\\$\\{(?:variables?[.:]|variableAs\\(\\s*'?)(?:(?:global|route):)?([A-Za-z_][\\w-]*)");
    /**
     * {@code ${header.x}}, {@code ${header:x}}, {@code ${headers.x}}, {@code ${in.header.x}}, {@code ${header[x]}},
     * {@code ${headerAs(x, Type)}}.
     */
    private static final Pattern SIMPLE_HEADER = Pattern.compile(
            "\\$\\{(?:in\\.)?(?:headers?[.:\\[]|headerAs\\(\\s*)'?([A-Za-z_][\\w-]*)");
    /** A header's whole name within a removeHeaders pattern ({@code CamelHttpResponseCode|SyncOutcome}); wildcards are not names. */
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z_][\\w-]*");
    /** {@code ${bean:name...}} in Simple. */
    private static final Pattern SIMPLE_BEAN = Pattern.compile("\\$\\{bean:([A-Za-z_][\\w-]*)");
    /** A bean given by reference in an option: {@code #name} or {@code #bean:name} (not #class: or #type:). */
    private static final Pattern HASH_REF = Pattern.compile("(?:^|[=,&\\s])#(?:bean:)?([A-Za-z_][\\w-]*)(?![\\w:-])");
    /** The bean component's URI: {@code bean:name} or {@code bean:name?method=x}. */
    private static final Pattern BEAN_URI = Pattern.compile("^bean:([A-Za-z_][\\w-]*)");

    private final Set<Use> beans = new TreeSet<>(RouteFiles::byNameThenFile);
    private final Set<Use> placeholders = new TreeSet<>(RouteFiles::byNameThenFile);
    private final Set<Use> variablesRead = new TreeSet<>(RouteFiles::byNameThenFile);
    private final Set<Use> variablesSet = new TreeSet<>(RouteFiles::byNameThenFile);
    private final Set<Use> headers = new TreeSet<>(RouteFiles::byNameThenFile);
    private final Set<String> kindsOfBeanReference = new TreeSet<>();
    private final Map<String, String> texts = new HashMap<>();

    private RouteFiles() {
    }

    /** Reads every {@code *.yaml} file of {@code folder}. */
    static RouteFiles in(Path folder) {
        RouteFiles found = new RouteFiles();
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            if (yaml.isEmpty()) {
                throw new IllegalStateException("no route files in " + folder.toAbsolutePath());
            }
            for (Path file : yaml) {
                found.texts.put(file.getFileName().toString(), Files.readString(file));
                try (Reader in = Files.newBufferedReader(file)) {
                    Object document = new Load(LoadSettings.builder().setLabel(file.toString()).build())
                            .loadFromReader(in);
                    found.walk(document, file.getFileName().toString(), Set.of());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** Beans named by {@code ref:}, {@code <something>Ref:}, {@code #name} options, {@code bean:} URIs and {@code ${bean:}}. */
    Set<Use> beans() {
        return beans;
    }

    /** How the beans were named ({@code ref}, {@code *Ref}, {@code #name}, ...): a check that the scan sees each way. */
    Set<String> kindsOfBeanReference() {
        return kindsOfBeanReference;
    }

    /** Placeholders that are not a parameter of the route template they sit in. */
    Set<Use> placeholders() {
        return placeholders;
    }

    Set<Use> variablesRead() {
        return variablesRead;
    }

    Set<Use> variablesSet() {
        return variablesSet;
    }

    /**
     * The message headers named: set ({@code setHeader}, {@code setHeaders}), removed ({@code removeHeader}), removed
     * or kept by name in a {@code removeHeaders} pattern, read by the {@code header} language or in Simple.
     */
    Set<Use> headers() {
        return headers;
    }

    /** The whole text of a route file read, comments included. */
    String text(String file) {
        return texts.get(file);
    }

    /**
     * @param templateParameters the parameters of the route template this node sits in (none outside templates)
     */
    private void walk(Object node, String file, Set<String> templateParameters) {
        if (node instanceof List<?> list) {
            for (Object item : list) {
                walk(item, file, templateParameters);
            }
        } else if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                Object value = entry.getValue();
                Set<String> parameters = "routeTemplate".equals(key) ? parametersOf(value) : templateParameters;
                entry(key, value, file);
                walk(value, file, parameters);
            }
        } else if (node instanceof String text) {
            text(text, file, templateParameters);
        }
    }

    /** What a key says by itself: a bean it names, a variable it sets or reads. */
    private void entry(String key, Object value, String file) {
        if (value instanceof String name) {
            if (key.equals("ref")) {
                bean(name, file, "ref");
            } else if (key.endsWith("Ref")) {
                bean(name, file, "*Ref");
            } else if (key.equals("variable") || key.equals("variableSend")) {
                variablesRead.add(new Use(name, file));
            } else if (key.equals("variableReceive")) {
                variablesSet.add(new Use(name, file));
            } else if (key.equals("header") || key.equals("removeHeader")) {
                headers.add(new Use(name, file));
            }
        }
        if ((key.equals("setHeader") || key.equals("removeHeader") || key.equals("header"))
                && value instanceof Map<?, ?> step && step.get(key.equals("header") ? "expression" : "name") instanceof String name) {
            headers.add(new Use(name, file));
        }
        if (key.equals("setHeaders") && value instanceof Map<?, ?> step && step.get("headers") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> header && header.get("name") instanceof String name) {
                    headers.add(new Use(name, file));
                }
            }
        }
        if (key.equals("removeHeaders") && value instanceof Map<?, ?> step) {
            for (String option : List.of("pattern", "excludePattern")) {
                if (step.get(option) instanceof String pattern) {
                    for (String part : pattern.split("\\|")) {
                        if (HEADER_NAME.matcher(part).matches()) {
                            headers.add(new Use(part, file));
                        }
                    }
                }
            }
        }
        if (key.equals("setVariable") && value instanceof Map<?, ?> step && step.get("name") instanceof String name) {
            variablesSet.add(new Use(name, file));
        }
        if (key.equals("setVariables") && value instanceof Map<?, ?> step && step.get("variables") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> variable && variable.get("name") instanceof String name) {
                    variablesSet.add(new Use(name, file));
                }
            }
        }
    }

    private void text(String text, String file, Set<String> templateParameters) {
        Matcher placeholder = PLACEHOLDER.matcher(text);
        while (placeholder.find()) {
            String key = placeholderKey(placeholder.group(1));
            if (key != null && !templateParameters.contains(key)) {
                placeholders.add(new Use(key, file));
            }
        }
        Matcher variable = SIMPLE_VARIABLE.matcher(text);
        while (variable.find()) {
            variablesRead.add(new Use(variable.group(1), file));
        }
        Matcher header = SIMPLE_HEADER.matcher(text);
        while (header.find()) {
            headers.add(new Use(header.group(1), file));
        }
        Matcher simpleBean = SIMPLE_BEAN.matcher(text);
        while (simpleBean.find()) {
            bean(simpleBean.group(1), file, "${bean:}");
        }
        Matcher hash = HASH_REF.matcher(text);
        while (hash.find()) {
            bean(hash.group(1), file, "#name");
        }
        Matcher uri = BEAN_URI.matcher(text);
        if (uri.find()) {
            bean(uri.group(1), file, "bean:");
        }
    }

    private void bean(String name, String file, String kind) {
        beans.add(new Use(name.startsWith("#") ? name.substring(1) : name, file));
        kindsOfBeanReference.add(kind);
    }

    /** The placeholders, the exchange variables and the headers a text read (a property's value, say) names. */
    static RouteFiles ofText(String text, String where) {
        RouteFiles found = new RouteFiles();
        found.text(text, where, Set.of());
        return found;
    }

    /** The configuration key a placeholder names, or null for a property function or an optional placeholder. */
    static String placeholderKey(String inside) {
        String key = inside.trim();
        if (key.startsWith("?")) {
            return null; // optional: may be declared nowhere on purpose
        }
        if (key.startsWith("!")) {
            key = key.substring(1);
        }
        int colon = key.indexOf(':');
        if (colon >= 0) {
            if (PROPERTY_FUNCTIONS.contains(key.substring(0, colon))) {
                return null;
            }
            key = key.substring(0, colon); // {{key:default}}
        }
        return key;
    }

    private static Set<String> parametersOf(Object template) {
        Set<String> names = new TreeSet<>();
        if (template instanceof Map<?, ?> map && map.get("parameters") instanceof List<?> parameters) {
            for (Object parameter : parameters) {
                if (parameter instanceof Map<?, ?> p && p.get("name") instanceof String name) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static int byNameThenFile(Use a, Use b) {
        int byName = a.name().compareTo(b.name());
        return byName != 0 ? byName : a.file().compareTo(b.file());
    }
}
