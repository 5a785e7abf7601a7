package org.yofacturoyampi.routes.sink;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.spi.PropertiesComponent;
import org.yofacturoyampi.routes.ConfigurationException;
import org.yofacturoyampi.routes.Settings;
import org.yofacturoyampi.routes.database.PostgresDatabase;

/**
 * The settings of the table sink ({@code sink.*} in config/application.properties): on when {@code SINK_DATABASE_URL}
 * is set, for the record kinds {@code SINK_DATABASE_FEEDS} names (all by default). The password comes from the
 * environment and is never printed: {@link #toString()} leaves it out.
 */
public final class SinkSettings {

    public static final String URL_VARIABLE = "SINK_DATABASE_URL";
    public static final String FEEDS_VARIABLE = "SINK_DATABASE_FEEDS";
    /** The delivery states a table can be: the record kinds of {@link SinkTables}. */
    public static final List<String> FEEDS = List.of(SinkTables.INVOICE_BATCHES, SinkTables.BATCH_INVOICES,
            SinkTables.YAMPI);

    private final String url;
    private final String user;
    private final String password;
    private final Set<String> feeds;
    private final int poolSize;

    private SinkSettings(String url, String user, String password, Set<String> feeds, int poolSize) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.feeds = feeds;
        this.poolSize = poolSize;
    }

    public static SinkSettings from(PropertiesComponent properties) {
        Settings settings = Settings.of(properties);
        String url = settings.text("sink.database-url");
        if (url.isEmpty()) {
            return new SinkSettings("", "", "", Set.of(), 0);
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new ConfigurationException(URL_VARIABLE + " must be a PostgreSQL JDBC URL such as "
                    + "jdbc:postgresql://db.example.com:5432/records, not '" + PostgresDatabase.withoutParameters(url)
                    + "'");
        }
        String listed = settings.text("sink.database-feeds");
        Set<String> feeds = new LinkedHashSet<>();
        if (listed.isEmpty() || listed.equals("all")) {
            feeds.addAll(FEEDS);
        } else {
            for (String feed : listed.split(",")) {
                String name = feed.trim();
                if (!FEEDS.contains(name)) {
                    throw new ConfigurationException(FEEDS_VARIABLE + " must be all, or some of "
                            + String.join(", ", FEEDS) + " separated by commas; not '" + listed + "'");
                }
                feeds.add(name);
            }
        }
        int poolSize = settings.wholeInt("sink.pool-size", 2, Integer.MAX_VALUE, "a number of at least 2");
        return new SinkSettings(url, settings.text("sink.database-user"),
                settings.text("sink.database-password"), Set.copyOf(feeds), poolSize);
    }

    public boolean enabled() {
        return !url.isEmpty();
    }

    /** Whether this delivery state (yofacturo-invoice-batches, yofacturo-batch-invoices, yampi) sinks to tables. */
    public boolean sinks(String feed) {
        return feeds.contains(feed);
    }

    public Set<String> feeds() {
        return feeds;
    }

    /** The database and how to open it (the password only inside, never in its toString). */
    PostgresDatabase.Target target() {
        return new PostgresDatabase.Target("the table sink database", "sink", url, urlForMessages(), user, password,
                poolSize, SinkDatabase.MIGRATIONS, SinkDatabase.HISTORY_TABLE,
                "check " + URL_VARIABLE + ", SINK_DATABASE_USER and SINK_DATABASE_PASSWORD, and that PostgreSQL runs");
    }

    /** The URL without its parameters (which may hold a password), for messages. */
    public String urlForMessages() {
        return PostgresDatabase.withoutParameters(url);
    }

    @Override
    public String toString() {
        return "table sink " + urlForMessages() + " for " + String.join(", ", feeds);
    }
}
