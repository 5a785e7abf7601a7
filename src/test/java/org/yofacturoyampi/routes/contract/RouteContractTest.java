package org.yofacturoyampi.routes.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.RouteVariables;
import org.yofacturoyampi.routes.support.RunningApp;

/**
 * The route files and the Java agree on names that only strings tie together: every bean a route names is bound by
 * the wirings, every placeholder is declared in config/application.properties (or is a parameter of the template it
 * sits in), and every exchange variable read is set somewhere, and every one set is read somewhere. A rename of one
 * side only fails here, naming the file. On the Java side, every property it reads or computes is declared in
 * config/application.properties too, and the exchange variables both sides name are constants of RouteVariables.
 * <p>
 * The bound beans are what the application's own wirings bind: they run as at start-up, with config/application.properties,
 * but with no route file loaded and nothing started. Variables set or read by Java are found in src/main/java, their
 * names given as literals or String constants.
 */
class RouteContractTest {

    /** Variables set on purpose for no reader, and why. */
    private static final Map<String, String> WRITE_ONLY = Map.of(
            "downstreamReply", "a downstream's reply (an HTTP sink answers), kept off the record and its headers");

    /** Camel's own options the Java sets (they are Camel's to declare), and why. */
    private static final Map<String, String> CAMEL_OPTIONS_SET = Map.of(
            "camel.main.routes-exclude-pattern", "--once leaves the inbound and trigger route files out (RunOnce)");

    @TempDir
    static Path work;

    private static RouteFiles routes;
    private static JavaVariables java;
    private static JavaProperties properties;
    private static Properties configuration;
    private static Set<String> bound;

    @BeforeAll
    static void readBothSides() throws Exception {
        routes = RouteFiles.in(Path.of("routes"));
        java = JavaVariables.in(Path.of("src/main/java"));
        properties = JavaProperties.in(Path.of("src/main/java"));
        configuration = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("config/application.properties"))) {
            configuration.load(in);
        }
        Path noRoutes = Files.createDirectories(work.resolve("no-routes"));
        Main main = RunningApp.builder(work).create("--routes", "file:" + noRoutes + "/*.yaml");
        try {
            main.init();
            bound = new TreeSet<>(main.getCamelContext().getRegistry().findByTypeWithName(Object.class).keySet());
        } finally {
            main.stop();
        }
    }

    @AfterAll
    static void forget() {
        routes = null;
        java = null;
        properties = null;
        bound = null;
    }

    @Test
    void everyBeanARouteNamesIsBoundByTheWirings() {
        List<RouteFiles.Use> unbound = routes.beans().stream().filter(b -> !bound.contains(b.name())).toList();

        assertThat(unbound).as("beans the routes name that no wiring binds (bound: %s)", bound).isEmpty();
    }

    @Test
    void everyPlaceholderARouteUsesIsDeclaredInTheConfigurationOrIsAParameterOfItsTemplate() {
        List<RouteFiles.Use> undeclared = routes.placeholders().stream()
                .filter(p -> !configuration.containsKey(p.name())).toList();

        assertThat(undeclared).as("placeholders of the routes not declared in config/application.properties").isEmpty();
    }

    @Test
    void everyPlaceholderInTheConfigurationIsDeclaredInItToo() {
        List<RouteFiles.Use> undeclared = configuration.stringPropertyNames().stream()
                .flatMap(key -> RouteFiles.ofText(configuration.getProperty(key), key).placeholders().stream())
                .filter(p -> !configuration.containsKey(p.name())).toList();

        assertThat(undeclared).as("placeholders in config/application.properties values (property named in brackets) "
                + "declared nowhere in it").isEmpty();
    }

    @Test
    void everyPropertyTheJavaReadsOrComputesIsDeclaredInTheConfiguration() {
        List<JavaVariables.Use> undeclared = properties.keys().stream()
                .filter(k -> !configuration.containsKey(k.name()) && !CAMEL_OPTIONS_SET.containsKey(k.name())).toList();

        assertThat(undeclared).as("properties the Java reads or computes that config/application.properties does not "
                + "declare (declare each, with a comment; Camel's own options set by the Java: %s)", CAMEL_OPTIONS_SET)
                .isEmpty();
    }

    @Test
    void everyExchangeVariableARouteReadsIsSetByARouteOrByTheJava() {
        Set<String> set = namesSet();
        List<RouteFiles.Use> neverSet = Stream.concat(routes.variablesRead().stream(), configurationReads())
                .filter(v -> !set.contains(v.name())).toList();

        assertThat(neverSet).as("exchange variables the routes read that neither a route nor the Java sets").isEmpty();
    }

    @Test
    void everyExchangeVariableTheJavaReadsIsSetByARouteOrByTheJava() {
        Set<String> set = namesSet();
        List<JavaVariables.Use> neverSet = java.read().stream().filter(v -> !set.contains(v.name())).toList();

        assertThat(neverSet).as("exchange variables the Java reads that neither a route nor the Java sets").isEmpty();
    }

    @Test
    void everyExchangeVariableSetIsReadByARouteOrByTheJava() {
        Set<String> read = Stream.of(routes.variablesRead().stream().map(RouteFiles.Use::name),
                configurationReads().map(RouteFiles.Use::name), java.read().stream().map(JavaVariables.Use::name))
                .flatMap(s -> s).collect(Collectors.toSet());
        List<String> neverRead = Stream.concat(
                routes.variablesSet().stream().map(v -> Map.entry(v.name(), v.toString())),
                java.set().stream().map(v -> Map.entry(v.name(), v.toString())))
                .filter(v -> !read.contains(v.getKey()) && !WRITE_ONLY.containsKey(v.getKey()))
                .map(Map.Entry::getValue).toList();

        assertThat(neverRead).as("exchange variables set that nothing reads (a rename of the reading side only?); "
                + "write-only on purpose: %s", WRITE_ONLY).isEmpty();
    }

    @Test
    void everyExchangeVariableBothTheRoutesAndTheJavaNameIsAConstantOfRouteVariablesTheJavaUses() {
        Set<String> constants = RouteVariables.names();
        Set<String> javaNames = Stream.concat(java.read().stream(), java.set().stream()).map(JavaVariables.Use::name)
                .collect(Collectors.toSet());
        Set<String> shared = Stream.concat(routes.variablesRead().stream(), routes.variablesSet().stream())
                .map(RouteFiles.Use::name).filter(javaNames::contains).collect(Collectors.toCollection(TreeSet::new));

        assertThat(shared).as("exchange variables both the routes and the Java name, not constants of RouteVariables")
                .isSubsetOf(constants);
        assertThat(java.literals().stream().filter(v -> shared.contains(v.name())).toList())
                .as("the Java names these shared variables by a literal: use the RouteVariables constant").isEmpty();
        assertThat(constants).as("RouteVariables constants that no route file names").isSubsetOf(
                Stream.concat(routes.variablesRead().stream(), routes.variablesSet().stream())
                        .map(RouteFiles.Use::name).collect(Collectors.toSet()));
    }

    @Test
    void everyExchangeVariableTheJavaNamesIsALiteralOrAStringConstant() {
        assertThat(java.unresolved()).as("variable names the contract cannot read from the source").isEmpty();
    }

    @Test
    void theScanSeesEveryWayTheFilesNameThings() {
        // so that the checks above cannot pass by finding nothing
        assertThat(routes.kindsOfBeanReference()).contains("ref", "*Ref", "#name");
        assertThat(routes.placeholders()).isNotEmpty();
        assertThat(routes.variablesRead()).isNotEmpty();
        assertThat(routes.variablesSet()).isNotEmpty();
        assertThat(java.read()).isNotEmpty();
        assertThat(java.set()).isNotEmpty();
        assertThat(properties.keys()).extracting(JavaVariables.Use::name)
                .contains("yampi.api-host", "yofacturo.configured-tenants", "yofacturo.api-key", "yampi.api-token",
                        "yofacturo.poll-cron", "sandbox.latency", "paging.max-pages", "quartz.thread-count");
    }

    private static Set<String> namesSet() {
        Set<String> set = new TreeSet<>();
        routes.variablesSet().forEach(v -> set.add(v.name()));
        java.set().forEach(v -> set.add(v.name()));
        return set;
    }

    private static Stream<RouteFiles.Use> configurationReads() {
        return configuration.stringPropertyNames().stream()
                .flatMap(key -> RouteFiles.ofText(configuration.getProperty(key), key).variablesRead().stream());
    }
}
