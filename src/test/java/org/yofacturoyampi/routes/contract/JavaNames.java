package org.yofacturoyampi.routes.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The exchange variables or the message headers the Java code sets and reads: every {@code setVariable(name, ...)},
 * {@code getVariable(name ...)} and {@code removeVariable(name)} ({@link #variablesIn}), or every
 * {@code setHeader(name, ...)}, {@code getHeader(name ...)} and {@code removeHeader(name)} ({@link #headersIn}), in
 * the production sources, with the name a string literal or a String constant ({@code NAME}, {@code Type.NAME},
 * {@code Type.Nested.NAME}), whose value is read from the compiled class. A name given any other way cannot be told
 * from the source: it is listed in {@link #unresolved()}. The String fields given by a literal are kept too
 * ({@link #stringConstants()}), so that a name can be looked for wherever the Java defines it.
 */
final class JavaNames {

    private static final Pattern VARIABLE_CALL = Pattern.compile("\\.(setVariable|getVariable|removeVariable)\\(\\s*");
    private static final Pattern HEADER_CALL = Pattern.compile("\\.(setHeader|getHeader|removeHeader)\\(\\s*");
    /** {@code String NAME = "text";}: a String constant (or field) given by a literal. */
    private static final Pattern STRING_CONSTANT = Pattern.compile(
            "\\bString\\s+[A-Za-z_]\\w*\\s*=\\s*\"((?:[^\"\\\\\\n]|\\\\.)*)\"\\s*;");
    private static final Pattern ARGUMENT = Pattern.compile("(\"(?:[^\"\\\\]|\\\\.)*\"|[A-Za-z_][\\w.]*)\\s*[,)]");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import\\s+([\\w.]+)\\s*;");
    private static final Pattern STATIC_IMPORT = Pattern.compile("(?m)^import\\s+static\\s+([\\w.]+)\\.(\\w+|\\*)\\s*;");

    /** A variable named in the Java code, and where. */
    record Use(String name, String where) {
        @Override
        public String toString() {
            return name + " (" + where + ")";
        }
    }

    private final Set<Use> set = new TreeSet<>(JavaNames::byNameThenPlace);
    private final Set<Use> read = new TreeSet<>(JavaNames::byNameThenPlace);
    private final List<String> unresolved = new ArrayList<>();
    private final Set<Use> named = new TreeSet<>(JavaNames::byNameThenPlace);
    private final Set<Use> literals = new TreeSet<>(JavaNames::byNameThenPlace);
    private final Set<Use> stringConstants = new TreeSet<>(JavaNames::byNameThenPlace);
    private final Pattern call;

    private JavaNames(Pattern call) {
        this.call = call;
    }

    /** The exchange variables named in every {@code .java} file under {@code sourceRoot} (classes on the class path). */
    static JavaNames variablesIn(Path sourceRoot) {
        return in(sourceRoot, VARIABLE_CALL);
    }

    /** The message headers named in every {@code .java} file under {@code sourceRoot} (classes on the class path). */
    static JavaNames headersIn(Path sourceRoot) {
        return in(sourceRoot, HEADER_CALL);
    }

    private static JavaNames in(Path sourceRoot, Pattern call) {
        JavaNames found = new JavaNames(call);
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                found.scan(sourceRoot, file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    Set<Use> set() {
        return set;
    }

    Set<Use> read() {
        return read;
    }

    /** Every name the calls give, set, read or removed. */
    Set<Use> named() {
        return named;
    }

    /** The names given by a string literal rather than a constant. */
    Set<Use> literals() {
        return literals;
    }

    /** Calls whose name is neither a literal nor a String constant: the contract cannot check them. */
    List<String> unresolved() {
        return unresolved;
    }

    /** The values of the String fields the sources give by a literal ({@code String NAME = "text";}), and where. */
    Set<Use> stringConstants() {
        return stringConstants;
    }

    private void scan(Path root, Path file) throws IOException {
        String source = withoutComments(Files.readString(file));
        String where = root.relativize(file).toString();
        Function<String, String> names = names(source, file);
        Matcher constant = STRING_CONSTANT.matcher(source);
        while (constant.find()) {
            stringConstants.add(new Use(constant.group(1), where + ":" + lineOf(source, constant.start())));
        }
        Matcher call = this.call.matcher(source);
        while (call.find()) {
            int line = lineOf(source, call.start());
            Matcher argument = ARGUMENT.matcher(source).region(call.end(), source.length());
            String name = argument.lookingAt() ? names.apply(argument.group(1)) : null;
            if (name == null) {
                unresolved.add(where + ":" + line + " " + call.group(1) + "("
                        + source.substring(call.end(), Math.min(source.length(), call.end() + 40)).split("\n")[0]);
                continue;
            }
            Use use = new Use(name, where + ":" + line);
            named.add(use);
            if (argument.group(1).startsWith("\"")) {
                literals.add(use);
            }
            if (call.group(1).startsWith("set")) {
                set.add(use);
            } else if (call.group(1).startsWith("get")) {
                read.add(use);
            }
        }
    }

    /**
     * What a name in the source {@code file} (comments removed) stands for: a literal's text, or a String constant's
     * value (the constant's own type, an imported, nested or same-package one); null when it is neither.
     */
    static Function<String, String> names(String source, Path file) {
        Matcher packageName = PACKAGE.matcher(source);
        String pkg = packageName.find() ? packageName.group(1) : "";
        String self = (pkg.isEmpty() ? "" : pkg + ".") + file.getFileName().toString().replace(".java", "");
        Map<String, String> imports = new HashMap<>();
        Matcher imported = IMPORT.matcher(source);
        while (imported.find()) {
            String type = imported.group(1);
            imports.put(type.substring(type.lastIndexOf('.') + 1), type);
        }
        List<String[]> staticImports = new ArrayList<>();
        Matcher staticImport = STATIC_IMPORT.matcher(source);
        while (staticImport.find()) {
            staticImports.add(new String[] {staticImport.group(1), staticImport.group(2)});
        }
        return expression -> resolve(expression, pkg, self, imports, staticImports);
    }

    /** A literal's text, or a String constant's value; null when it is neither. */
    private static String resolve(String expression, String pkg, String self, Map<String, String> imports,
            List<String[]> staticImports) {
        if (expression.startsWith("\"")) {
            return expression.substring(1, expression.length() - 1);
        }
        int dot = expression.lastIndexOf('.');
        if (dot < 0) {
            String value = constant(self, expression);
            for (int i = 0; value == null && i < staticImports.size(); i++) {
                String[] s = staticImports.get(i);
                if (s[1].equals(expression) || s[1].equals("*")) {
                    value = constant(s[0], expression);
                }
            }
            return value;
        }
        String type = expression.substring(0, dot);
        String field = expression.substring(dot + 1);
        String first = type.contains(".") ? type.substring(0, type.indexOf('.')) : type;
        String rest = type.contains(".") ? type.substring(type.indexOf('.')) : "";
        for (String candidate : new String[] {
            imports.containsKey(first) ? imports.get(first) + rest : null, // Imported or Imported.Nested
            pkg + "." + type, // same package
            self + "." + type, // a type nested in this one
            type, // fully qualified
        }) {
            String value = candidate == null ? null : constant(candidate, field);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** The values of the static String fields {@code type} declares (a class of constants such as RouteVariables). */
    static Set<String> constantsOf(Class<?> type) {
        Set<String> values = new TreeSet<>();
        for (Field field : type.getDeclaredFields()) {
            String value = staticString(type, field.getName());
            if (value != null) {
                values.add(value);
            }
        }
        return values;
    }

    /** The value of a static String field of {@code typeName} (nested types spelt with dots), its supertypes included. */
    private static String constant(String typeName, String field) {
        Class<?> type = load(typeName);
        for (Class<?> t = type; t != null; t = t.getSuperclass()) {
            String value = staticString(t, field);
            for (Class<?> i : t.getInterfaces()) {
                value = value != null ? value : staticString(i, field);
            }
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static String staticString(Class<?> type, String name) {
        try {
            Field field = type.getDeclaredField(name);
            if (!Modifier.isStatic(field.getModifiers()) || field.getType() != String.class) {
                return null;
            }
            field.setAccessible(true);
            return (String) field.get(null);
        } catch (NoSuchFieldException | IllegalAccessException e) {
            return null;
        }
    }

    /** The class of a name whose last parts may be nested types ({@code a.b.Outer.Inner}). */
    private static Class<?> load(String name) {
        String binary = name;
        while (true) {
            try {
                return Class.forName(binary, false, JavaNames.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                int dot = binary.lastIndexOf('.');
                if (dot < 0) {
                    return null;
                }
                binary = binary.substring(0, dot) + "$" + binary.substring(dot + 1);
            }
        }
    }

    /** The source without its comments (block, Javadoc and whole-line comments), line numbers kept. */
    static String withoutComments(String source) {
        Matcher block = Pattern.compile("(?s)/\\*.*?\\*/").matcher(source);
        StringBuilder out = new StringBuilder();
        while (block.find()) {
            block.appendReplacement(out, Matcher.quoteReplacement(block.group().replaceAll("[^\\n]", " ")));
        }
        block.appendTail(out);
        return out.toString().replaceAll("(?m)^(\\s*)//.*$", "$1");
    }

    static int lineOf(String source, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (source.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static int byNameThenPlace(Use a, Use b) {
        int byName = a.name().compareTo(b.name());
        return byName != 0 ? byName : a.where().compareTo(b.where());
    }
}
