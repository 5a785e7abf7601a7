package org.yofacturoyampi.routes.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.database.PostgresDatabase;

/**
 * The idempotent repository behind Camel's {@code idempotent-changed} read lock in cluster mode: one row per inbound
 * file a node is reading (table {@code yyr_inbound_read_lock}, migrations V12 and V14), kept alive by its node every
 * sixth of the maximum age, and taken over by another node once older than that (its node died).
 *
 * <p>Why not camel-sql's {@code JdbcOrphanLockAwareIdempotentRepository}: its {@code add} answers true whenever its
 * own check found no live row, even when another node inserted or took over that row between the check and the
 * insert, so two nodes polling a shared folder at the same instant could both read one file. Here a claim is one
 * statement (insert, or take over a row older than the maximum age) whose count says who won.
 */
public final class InboundReadLocks extends ServiceSupport implements IdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(InboundReadLocks.class);
    private static final String PROCESSOR = "inbound";

    private final DataSource database;
    private final String node;
    private final Duration maxAge;
    private final CamelContext context;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService keepAlive;

    public InboundReadLocks(DataSource database, String node, Duration maxAge, CamelContext context) {
        this.database = database;
        this.node = node + "/" + UUID.randomUUID(); // this run of the node: a restarted one holds nothing yet
        this.maxAge = maxAge;
        this.context = context;
    }

    /** Claims the file for this node: true when no live node holds it (none ever did, or its node died). */
    @Override
    public boolean add(String file) {
        long now = System.currentTimeMillis();
        int claimed = update("INSERT INTO yyr_inbound_read_lock (processorName, messageId, createdAt, owner) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (processorName, messageId) DO UPDATE "
                + "SET createdAt = EXCLUDED.createdAt, owner = EXCLUDED.owner "
                + "WHERE yyr_inbound_read_lock.createdAt < ?", statement -> {
                    statement.setString(1, PROCESSOR);
                    statement.setString(2, file);
                    statement.setTimestamp(3, new Timestamp(now));
                    statement.setString(4, node);
                    statement.setTimestamp(5, new Timestamp(now - maxAge.toMillis()));
                });
        if (claimed == 1) {
            held.add(file);
        }
        return claimed == 1;
    }

    /** Whether a live node holds the file. */
    @Override
    public boolean contains(String file) {
        return update("SELECT 1 FROM yyr_inbound_read_lock WHERE processorName = ? AND messageId = ? AND createdAt >= ?",
                statement -> {
                    statement.setString(1, PROCESSOR);
                    statement.setString(2, file);
                    statement.setTimestamp(3, new Timestamp(System.currentTimeMillis() - maxAge.toMillis()));
                }) > 0;
    }

    /** Releases the file, if this node still holds it (one that stalled past the maximum age may have lost it). */
    @Override
    public boolean remove(String file) {
        held.remove(file);
        return update("DELETE FROM yyr_inbound_read_lock WHERE processorName = ? AND messageId = ? AND owner = ?",
                statement -> {
                    statement.setString(1, PROCESSOR);
                    statement.setString(2, file);
                    statement.setString(3, node);
                }) > 0;
    }

    @Override
    public boolean confirm(String file) {
        return true;
    }

    /** Releases every lock this node holds. */
    @Override
    public void clear() {
        held.clear();
        update("DELETE FROM yyr_inbound_read_lock WHERE processorName = ? AND owner = ?", statement -> {
            statement.setString(1, PROCESSOR);
            statement.setString(2, node);
        });
    }

    @Override
    protected void doStart() {
        long every = Math.max(1, maxAge.toMillis() / 6);
        keepAlive = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "InboundReadLocks");
        keepAlive.scheduleWithFixedDelay(this::keepAlive, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (keepAlive != null) {
            context.getExecutorServiceManager().shutdownNow(keepAlive);
            keepAlive = null;
        }
    }

    private void keepAlive() {
        String[] files = held.toArray(String[]::new);
        if (files.length == 0) {
            return;
        }
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement("UPDATE yyr_inbound_read_lock "
                        + "SET createdAt = ? WHERE processorName = ? AND owner = ? AND messageId = ANY (?)")) {
            statement.setTimestamp(1, new Timestamp(System.currentTimeMillis()));
            statement.setString(2, PROCESSOR);
            statement.setString(3, node);
            statement.setArray(4, connection.createArrayOf("varchar", files));
            statement.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            // the next round tries again; past the maximum age another node may take a file over
            LOG.warn("cannot keep {} inbound read locks alive in the cluster database: {}", files.length,
                    PostgresDatabase.reason(e));
        }
    }

    private int update(String sql, Parameters parameters) {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            parameters.set(statement);
            if (statement.execute()) {
                try (var rows = statement.getResultSet()) {
                    return rows.next() ? 1 : 0;
                }
            }
            return statement.getUpdateCount();
        } catch (SQLException e) {
            throw new IllegalStateException("the cluster database cannot take the inbound read lock: "
                    + PostgresDatabase.reason(e));
        }
    }

    @FunctionalInterface
    private interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }
}
