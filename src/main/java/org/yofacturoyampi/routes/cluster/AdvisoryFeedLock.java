package org.yofacturoyampi.routes.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.trigger.FeedLock;

/**
 * A feed's lock across the cluster: a PostgreSQL session-level advisory lock ({@code pg_try_advisory_lock}), keyed by
 * the schema and the feed's name, held on a connection of its own for the length of the run. Its own connection, not
 * one of the pool: the lock ends with the session, so a node that dies, or loses the database, lets go of it without
 * leaving it on a pooled connection; and long runs do not take connections from the pool.
 * <p>
 * Before the lock goes, the run's marks still queued are written ({@code beforeRelease}), so the node that runs the
 * feed next finds every record this run delivered.
 * <p>
 * While the database cannot be reached the run goes ahead without the lock: it cannot deliver anything then (every
 * record is checked against the delivery state first, which fails), and it ends in the poll's one line.
 */
final class AdvisoryFeedLock implements FeedLock {

    private static final Logger LOG = LoggerFactory.getLogger(AdvisoryFeedLock.class);
    private static final String KEYS = "hashtext('yyr-feed:' || current_schema()), hashtext(?)";
    static final String APPLICATION_NAME = "yyr feed lock ";
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(" + KEYS + ")";

    private final ClusterSettings settings;
    private final Duration retryEvery;
    private final Runnable beforeRelease;

    AdvisoryFeedLock(ClusterSettings settings, Duration retryEvery, Runnable beforeRelease) {
        this.settings = settings;
        this.retryEvery = retryEvery;
        this.beforeRelease = beforeRelease;
    }

    @Override
    public Held acquire(String feed, Runnable waiting) throws InterruptedException {
        Connection session;
        try {
            session = connect();
        } catch (SQLException e) {
            LOG.debug("{}: runs without the cluster lock, the database cannot be reached: {}", feed, e.getMessage());
            return NOT_HELD;
        }
        boolean waited = false;
        try {
            while (!tryLock(session, feed)) {
                if (!waited) {
                    waiting.run();
                    waited = true;
                }
                Thread.sleep(retryEvery.toMillis());
            }
            return () -> {
                try {
                    beforeRelease.run();
                } finally {
                    close(session);
                }
            };
        } catch (SQLException e) {
            close(session);
            LOG.debug("{}: runs without the cluster lock, the database cannot be reached: {}", feed, e.getMessage());
            return NOT_HELD;
        } catch (InterruptedException | RuntimeException e) {
            close(session);
            throw e;
        }
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        if (!settings.user().isEmpty()) {
            properties.setProperty("user", settings.user());
        }
        if (!settings.password().isEmpty()) {
            properties.setProperty("password", settings.password());
        }
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("tcpKeepAlive", "true");
        // names the node in pg_stat_activity: which node runs which feed is one query away
        properties.setProperty("ApplicationName", APPLICATION_NAME + settings.nodeId());
        return DriverManager.getConnection(settings.databaseUrl(), properties);
    }

    private static boolean tryLock(Connection session, String feed) throws SQLException {
        try (PreparedStatement s = session.prepareStatement(TRY_LOCK)) {
            s.setString(1, feed);
            try (ResultSet row = s.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    /** Ending the session ends the lock. */
    private static void close(Connection session) {
        try {
            session.close();
        } catch (SQLException e) {
            LOG.debug("closing a feed lock's session: {}", e.getMessage());
        }
    }
}
