package org.yofacturoyampi.routes.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration keys the Java code reads or computes, found in the production sources: the key given to the
 * settings reader ({@code text}, {@code wholeNumber}, {@code wholeInt}, {@code duration}), to Camel's
 * {@code resolveProperty} or {@code addOverrideProperty}, the second argument of any call whose first is the settings
 * ({@code RequestConcurrency.read(settings, "key")}, {@code InboundAttempts.of(settings, "key")}), a {@code {"key", "VARIABLE"}} pair of SettingsCheck, the sandbox's settings, and a
 * tenant's setting of the single tenant ({@code Tenants.property("yofacturo", id, "api-key")}: yofacturo.api-key;
 * YampiWiring's {@code setting(settings, id, "api-token", ...)}: yampi.api-token). Keys given as a literal or a String
 * constant are found; a key computed otherwise (a loop variable, a parameter) is not, and is counted in
 * {@link #computed()} so a scan that finds nothing cannot pass.
 */
final class JavaProperties {

    /** A reading call and its key, or any call whose first argument is the settings and whose second is the key. */
    private static final Pattern READ = Pattern.compile("(?:\\.(?:text|wholeNumber|wholeInt|duration|resolveProperty"
            + "|addOverrideProperty|put)\\(\\s*|\\b\\w+\\(\\s*(?:settings|properties)\\s*,\\s*)"
            + "(\"(?:[^\"\\\\]|\\\\.)*\"|[A-Za-z_][\\w.]*)\\s*[,)]");
    private static final Pattern CHECKED = Pattern.compile("\\{\\s*(\"[a-z][\\w.-]*\")\\s*,\\s*\"[A-Z][A-Z0-9_]*\"");
    private static final Pattern TENANT_SETTING = Pattern.compile(
            "(?:Tenants\\.property\\(\\s*\"(\\w+)\"|\\bsetting\\(\\s*settings)\\s*,\\s*\\w+\\s*,\\s*\"([\\w-]+)\"");

    private final Set<JavaNames.Use> keys = new TreeSet<>((a, b) -> a.name().equals(b.name())
            ? a.where().compareTo(b.where()) : a.name().compareTo(b.name()));
    private int computed;

    private JavaProperties() {
    }

    static JavaProperties in(Path sourceRoot) {
        JavaProperties found = new JavaProperties();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                found.scan(sourceRoot, file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    Set<JavaNames.Use> keys() {
        return keys;
    }

    /** Keys read that the source does not spell (a parameter, a loop variable): not checked. */
    int computed() {
        return computed;
    }

    private void scan(Path root, Path file) throws IOException {
        String source = JavaNames.withoutComments(Files.readString(file));
        String where = root.relativize(file).toString();
        Function<String, String> names = JavaNames.names(source, file);
        Matcher read = READ.matcher(source);
        while (read.find()) {
            String key = names.apply(read.group(1));
            boolean isPut = read.group().startsWith(".put(");
            if (key == null) {
                computed += isPut ? 0 : 1;
            } else if (!isPut || where.endsWith("SandboxMode.java")) {
                add(key, where, source, read.start());
            }
        }
        Matcher checked = CHECKED.matcher(source);
        while (checked.find()) {
            add(names.apply(checked.group(1)), where, source, checked.start());
        }
        Matcher tenant = TENANT_SETTING.matcher(source);
        while (tenant.find()) {
            add((tenant.group(1) == null ? "yampi" : tenant.group(1)) + "." + tenant.group(2), where, source,
                    tenant.start());
        }
    }

    private void add(String key, String where, String source, int at) {
        keys.add(new JavaNames.Use(key, where + ":" + JavaNames.lineOf(source, at)));
    }
}
