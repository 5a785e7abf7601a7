package db.migration;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.quartz.impl.jdbcjobstore.JobStoreTX;

/**
 * Quartz's own tables, from the DDL that Quartz ships in its jar ({@value #DDL}), so they always match the Quartz
 * version on the class path when first created. Its {@code DROP TABLE IF EXISTS} lines find nothing in a new schema,
 * and its closing {@code COMMIT} is left to Flyway, which runs the migration in one transaction.
 */
public final class V1__Quartz_tables extends BaseJavaMigration {

    static final String DDL = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement statement = context.getConnection().createStatement()) {
            for (String sql : statements(read())) {
                statement.execute(sql);
            }
        }
    }

    private static String read() throws IOException {
        try (InputStream in = JobStoreTX.class.getClassLoader().getResourceAsStream(DDL)) {
            if (in == null) {
                throw new IllegalStateException(DDL + " is not on the class path: is the Quartz jar in target/lib?");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The script's statements: "--" comment lines dropped, split at ';', without its COMMIT. */
    static List<String> statements(String script) {
        StringBuilder code = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.trim().startsWith("--")) {
                code.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String sql : code.toString().split(";")) {
            String s = sql.trim();
            if (!s.isEmpty() && !s.equalsIgnoreCase("commit")) {
                statements.add(s);
            }
        }
        return statements;
    }
}
