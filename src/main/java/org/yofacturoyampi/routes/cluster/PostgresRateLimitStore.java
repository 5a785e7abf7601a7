package org.yofacturoyampi.routes.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.http.RateLimitStore;

/**
 * One API's "no request before" instant for one tenant, shared by every node in {@code yyr_rate_limit}. The key is
 * the API and the tenant id, never the credential. The database's clock measures the wait (a node writes "now + the
 * wait", a node reads "what is left of it"), so nodes whose clocks differ a little still agree.
 * <p>
 * The gate asks only while it is open, before each request; this store answers from the copy it read last for
 * {@code refresh} (one query per second at most with the default), so a 429 answered to another node holds this one
 * at most {@code refresh} later. A database that cannot be reached holds nothing: the local gate still works, and one
 * WARN line says so until it is back.
 */
public final class PostgresRateLimitStore implements RateLimitStore {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresRateLimitStore.class);

    private final DataSource database;
    private final String api;
    private final String tenant;
    private final Duration refresh;
    private final Clock clock;

    private volatile Instant known = Instant.EPOCH;
    private volatile Instant readAt = Instant.EPOCH;
    private volatile boolean failing;

    /** @param api {@code yofacturo} or {@code yampi} */
    public PostgresRateLimitStore(DataSource database, String api, String tenant, Duration refresh, Clock clock) {
        this.database = database;
        this.api = api;
        this.tenant = tenant;
        this.refresh = refresh;
        this.clock = clock;
    }

    @Override
    public Instant noRequestBefore() {
        Instant now = clock.instant();
        if (now.isBefore(readAt.plus(refresh))) {
            return known;
        }
        try (Connection c = database.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT GREATEST(0, CEIL(EXTRACT(EPOCH FROM "
                        + "(not_before - clock_timestamp())) * 1000)) FROM yyr_rate_limit WHERE api = ? AND tenant = ?")) {
            select.setString(1, api);
            select.setString(2, tenant);
            try (ResultSet row = select.executeQuery()) {
                long leftMillis = row.next() ? row.getLong(1) : 0;
                known = leftMillis > 0 ? now.plusMillis(leftMillis) : Instant.EPOCH;
            }
            recovered();
        } catch (SQLException e) {
            failed("read", e);
            known = Instant.EPOCH;
        }
        readAt = now;
        return known;
    }

    @Override
    public void closeUntil(Instant until) {
        long waitMillis = Duration.between(clock.instant(), until).toMillis();
        if (waitMillis <= 0) {
            return;
        }
        try (Connection c = database.getConnection();
                PreparedStatement upsert = c.prepareStatement("INSERT INTO yyr_rate_limit (api, tenant, not_before) "
                        + "VALUES (?, ?, clock_timestamp() + ? * INTERVAL '1 millisecond') ON CONFLICT (api, tenant) "
                        + "DO UPDATE SET not_before = GREATEST(yyr_rate_limit.not_before, EXCLUDED.not_before)")) {
            upsert.setString(1, api);
            upsert.setString(2, tenant);
            upsert.setLong(3, waitMillis);
            upsert.executeUpdate();
            recovered();
        } catch (SQLException e) {
            failed("write", e);
        }
    }

    private void failed(String what, SQLException e) {
        if (!failing) {
            failing = true;
            LOG.warn("cannot {} the {} rate-limit wait of tenant {} in the cluster database ({}): other nodes may not "
                    + "see this node's 429s until it is back", what, api, tenant, e.getMessage());
        }
    }

    private void recovered() {
        if (failing) {
            failing = false;
            LOG.info("the cluster database keeps the {} rate-limit wait of tenant {} again", api, tenant);
        }
    }
}
