package org.yofacturoyampi.routes.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.yofacturo.SessionStore;
import org.yofacturoyampi.routes.yofacturo.YoFacturoSession;

/**
 * One organisation's YoFacturo session shared by every node: a row of {@code yyr_yofacturo_session}, the token sealed
 * by {@link SessionCipher}. {@link #update} holds the row's lock ({@code SELECT ... FOR UPDATE}) for the whole change,
 * sessions call included, so a node that waited for it finds the session another node just renewed. The threads of
 * one node queue on a lock in memory first, so they hold one database connection between them, not one each.
 */
public final class PostgresSessionStore implements SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSessionStore.class);

    private final DataSource database;
    private final SessionCipher cipher;
    private final String tenant;
    private final String nodeId;
    private final ReentrantLock local = new ReentrantLock();

    public PostgresSessionStore(DataSource database, SessionCipher cipher, String tenant, String nodeId) {
        this.database = database;
        this.cipher = cipher;
        this.tenant = tenant;
        this.nodeId = nodeId;
    }

    @Override
    public YoFacturoSession read() {
        try (Connection c = database.getConnection();
                PreparedStatement select = c.prepareStatement(
                        "SELECT sealed_token, expires_at FROM yyr_yofacturo_session WHERE tenant = ?")) {
            select.setString(1, tenant);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? session(row) : null;
            }
        } catch (SQLException e) {
            throw unreachable(e);
        }
    }

    @Override
    public YoFacturoSession update(UnaryOperator<YoFacturoSession> change) {
        local.lock();
        try (Connection c = database.getConnection()) {
            c.setAutoCommit(false);
            try {
                YoFacturoSession stored = lockRow(c);
                YoFacturoSession next = change.apply(stored);
                if (next != stored) {
                    write(c, next);
                }
                c.commit();
                return next;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unreachable(e);
        } finally {
            local.unlock();
        }
    }

    /** The stored session, its row locked until the transaction ends (made first if the tenant has none yet). */
    private YoFacturoSession lockRow(Connection c) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO yyr_yofacturo_session (tenant) VALUES (?) ON CONFLICT (tenant) DO NOTHING")) {
            insert.setString(1, tenant);
            insert.executeUpdate();
        }
        try (PreparedStatement select = c.prepareStatement(
                "SELECT sealed_token, expires_at FROM yyr_yofacturo_session WHERE tenant = ? FOR UPDATE")) {
            select.setString(1, tenant);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return session(row);
            }
        }
    }

    private void write(Connection c, YoFacturoSession session) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE yyr_yofacturo_session SET sealed_token = ?, "
                + "expires_at = ?, renewed_by = ?, renewed_at = now() WHERE tenant = ?")) {
            update.setBytes(1, session == null ? null : cipher.seal(session.token(), tenant));
            update.setTimestamp(2, session == null ? null : Timestamp.from(session.expiresAt()));
            update.setString(3, nodeId);
            update.setString(4, tenant);
            update.executeUpdate();
        }
    }

    /** A row that does not open (another key, altered) counts as no session: the next renewal overwrites it. */
    private YoFacturoSession session(ResultSet row) throws SQLException {
        byte[] sealed = row.getBytes("sealed_token");
        Timestamp expiresAt = row.getTimestamp("expires_at");
        if (sealed == null || expiresAt == null) {
            return null;
        }
        try {
            return new YoFacturoSession(cipher.open(sealed, tenant), expiresAt.toInstant());
        } catch (SessionCipher.UnreadableSessionException e) {
            LOG.warn("YoFacturo session of tenant {} in the cluster database: {}; a new session will be requested "
                    + "(every node must have the same CLUSTER_SECRET_KEY)", tenant, e.getMessage());
            return null;
        }
    }

    private IllegalStateException unreachable(SQLException e) {
        return new IllegalStateException("the cluster database cannot be used for the YoFacturo session of tenant "
                + tenant + ": " + e.getMessage(), null);
    }
}
