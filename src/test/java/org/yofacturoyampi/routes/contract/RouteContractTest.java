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

import org.apache.camel.Exchange;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.RouteHeaders;
import org.yofacturoyampi.routes.RouteVariables;
import org.yofacturoyampi.routes.support.RunningApp;

/**
 * The route files and the Java agree on names that only strings tie together: every bean a route names is bound by
 * the wirings, every placeholder is declared in config/application.properties (or is a parameter of the template it
 * sits in), and every exchange variable read is set somewhere, and every one set is read somewhere. A rename of one
 * side only fails here, naming the file. On the Java side, every property it reads or computes is declared in
 * config/application.properties too, the exchange variables both sides name are constants of RouteVariables, and the
 * message headers both sides name (the route files, with the endpoint URIs the configuration gives them, and the Java)
 * are constants of RouteHeaders, spelt nowhere else in the Java.
 * <p>
 * The bound beans are what the application's own wirings bind: they run as at start-up, with config/application.properties,
 * but with no route file loaded and nothing started. Variables and headers set or read by Java are found in
 * src/main/java, their names given as literals or String constants.
 */
class RouteContractTest {

    /** Variables set on purpose for no reader, and why. */
    private static final Map<String, String> WRITE_ONLY = Map.of(
            "downstreamReply", "a downstream's reply (an HTTP sink answers), kept off the record and its headers");

    /** Camel's own options the Java sets (they are Camel's to declare), and why. */
    private static final Map<String, String> CAMEL_OPTIONS_SET = Map.of(
            "camel.main.routes-exclude-pattern", "--once leaves the inbound and trigger route files out (RunOnce)");

    /** Where the header names are spelt, as the scan of src/main/java names the file. */
    private static final String ROUTE_HEADERS_SOURCE = "org/yofacturoyampi/routes/RouteHeaders.java";

    @TempDir
    static Path work;

    private static RouteFiles routes;
    private static JavaNames java;
    private static JavaNames javaHeaders;
    private static JavaProperties properties;
    private static Properties configuration;
    private static Set<String> bound;

    @BeforeAll
    static void readBothSides() throws Exception {
        routes = RouteFiles.in(Path.of("routes"));
        java = JavaNames.variablesIn(Path.of("src/main/java"));
        javaHeaders = JavaNames.headersIn(Path.of("src/main/java"));
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
        javaHeaders = null;
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
        List<JavaNames.Use> undeclared = properties.keys().stream()
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
        List<JavaNames.Use> neverSet = java.read().stream().filter(v -> !set.contains(v.name())).toList();

        assertThat(neverSet).as("exchange variables the Java reads that neither a route nor the Java sets").isEmpty();
    }

    @Test
    void everyExchangeVariableSetIsReadByARouteOrByTheJava() {
        Set<String> read = Stream.of(routes.variablesRead().stream().map(RouteFiles.Use::name),
                configurationReads().map(RouteFiles.Use::name), java.read().stream().map(JavaNames.Use::name))
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
        Set<String> constants = JavaNames.constantsOf(RouteVariables.class);
        Set<String> javaNames = Stream.concat(java.read().stream(), java.set().stream()).map(JavaNames.Use::name)
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
    void everyHeaderBothTheRoutesAndTheJavaNameIsAConstantOfRouteHeaders() {
        Set<String> shared = sharedHeaders();

        assertThat(shared).as("headers both the routes (or the endpoint URIs of the configuration) and the Java name, "
                + "not constants of RouteHeaders (Camel's own, named by Camel's Exchange, left out)")
                .isSubsetOf(JavaNames.constantsOf(RouteHeaders.class));
    }

    @Test
    void theJavaSpellsTheHeadersOfRouteHeadersNowhereElse() {
        Set<String> named = new TreeSet<>(JavaNames.constantsOf(RouteHeaders.class));
        named.addAll(sharedHeaders());

        assertThat(javaHeaders.literals().stream().filter(l -> named.contains(l.name())).toList())
                .as("the Java names these shared headers by a literal: use the RouteHeaders constant").isEmpty();
        assertThat(javaHeaders.stringConstants().stream()
                .filter(c -> named.contains(c.name()) && !c.where().startsWith(ROUTE_HEADERS_SOURCE + ":")).toList())
                .as("constants outside %s spell these shared header names: use (or refer to) the RouteHeaders one",
                        ROUTE_HEADERS_SOURCE)
                .isEmpty();
    }

    @Test
    void everyConstantOfRouteHeadersIsNamedByARouteOrTheEndpointURIsOfTheConfiguration() {
        Set<String> routeHeaders = Stream.concat(routes.headers().stream(), configurationHeaders())
                .map(RouteFiles.Use::name).collect(Collectors.toSet());

        assertThat(JavaNames.constantsOf(RouteHeaders.class))
                .as("RouteHeaders constants that no route file nor configured endpoint names").isSubsetOf(routeHeaders);
    }

    @Test
    void everyRouteFileThatNamesASharedVariableOrHeaderSaysWhichClassNamesItInTheJava() throws Exception {
        Set<String> variables = JavaNames.constantsOf(RouteVariables.class);
        Set<String> headers = JavaNames.constantsOf(RouteHeaders.class);
        String configurationText = Files.readString(Path.of("config/application.properties"));
        Stream<String> silent = Stream.of(
                Stream.concat(routes.variablesRead().stream(), routes.variablesSet().stream())
                        .filter(v -> variables.contains(v.name()))
                        .filter(v -> !routes.text(v.file()).contains(RouteVariables.class.getName()))
                        .map(v -> v.file() + " names " + v.name() + " but not " + RouteVariables.class.getName()),
                routes.headers().stream().filter(h -> headers.contains(h.name()))
                        .filter(h -> !routes.text(h.file()).contains(RouteHeaders.class.getName()))
                        .map(h -> h.file() + " names " + h.name() + " but not " + RouteHeaders.class.getName()),
                configurationHeaders().filter(h -> headers.contains(h.name()))
                        .filter(h -> !configurationText.contains(RouteHeaders.class.getName()))
                        .map(h -> "config/application.properties (" + h.file() + ") names " + h.name() + " but not "
                                + RouteHeaders.class.getName()))
                .flatMap(s -> s);

        assertThat(silent.toList()).as("route files whose comments do not say where the Java names what they share")
                .isEmpty();
    }

    @Test
    void everyHeaderTheJavaNamesIsALiteralOrAStringConstant() {
        assertThat(javaHeaders.unresolved()).as("header names the contract cannot read from the source").isEmpty();
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
        assertThat(routes.headers()).isNotEmpty();
        assertThat(configurationHeaders()).isNotEmpty();
        assertThat(javaHeaders.set()).isNotEmpty();
        assertThat(javaHeaders.read()).isNotEmpty();
        assertThat(javaHeaders.stringConstants()).extracting(JavaNames.Use::name).contains("SyncAccount");
        assertThat(properties.keys()).extracting(JavaNames.Use::name)
                .contains("yampi.api-host", "yofacturo.configured-tenants", "yofacturo.api-key", "yampi.api-token",
                        "yofacturo.poll-cron", "sandbox.latency", "paging.max-pages", "quartz.thread-count");
    }

    private static Set<String> namesSet() {
        Set<String> set = new TreeSet<>();
        routes.variablesSet().forEach(v -> set.add(v.name()));
        java.set().forEach(v -> set.add(v.name()));
        return set;
    }

    /**
     * The headers both sides name: the route files or the endpoint URIs config/application.properties gives them, and
     * the Java; but Camel's own (CamelHttpResponseCode ...), which Camel's Exchange names once already.
     */
    private static Set<String> sharedHeaders() {
        Set<String> camels = JavaNames.constantsOf(Exchange.class);
        Set<String> javaNames = javaHeaders.named().stream().map(JavaNames.Use::name).collect(Collectors.toSet());
        return Stream.concat(routes.headers().stream(), configurationHeaders()).map(RouteFiles.Use::name)
                .filter(javaNames::contains).filter(name -> !camels.contains(name))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Stream<RouteFiles.Use> configurationHeaders() {
        return configuration.stringPropertyNames().stream()
                .flatMap(key -> RouteFiles.ofText(configuration.getProperty(key), key).headers().stream());
    }

    private static Stream<RouteFiles.Use> configurationReads() {
        return configuration.stringPropertyNames().stream()
                .flatMap(key -> RouteFiles.ofText(configuration.getProperty(key), key).variablesRead().stream());
    }
}
