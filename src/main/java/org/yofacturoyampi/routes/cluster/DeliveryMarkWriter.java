package org.yofacturoyampi.routes.cluster;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.delivery.DeliveryStateUnavailableException;

/**
 * Writes the marks of delivered records to {@code delivery_state} in groups (group commit), so that a record's mark
 * does not cost the walk a round trip and a commit of its own. A mark is queued the moment the downstream accepted the
 * record; one writer thread writes whatever is queued in one statement and one transaction, then the next group. While
 * a group commits (about a millisecond), the marks that follow queue up for the next one: a node killed mid-walk
 * delivers again only the records whose mark was queued or committing, the record or two in flight.
 * <p>
 * Queued marks are read back by the delivery states of this node ({@link #queued}), so a check never misses a mark
 * still in the queue. A run's end writes every queued mark before its feed lock goes ({@link #flush}), so the node
 * that runs the feed next finds them. A write that fails (the database away) keeps its marks queued and is tried
 * again; {@link #failure} then tells the runs, which end at their next record.
 */
final class DeliveryMarkWriter extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryMarkWriter.class);
    private static final String UPSERT = "INSERT INTO delivery_state (tenant, feed, record_id, fingerprint)"
            + " SELECT * FROM unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[])"
            + " ON CONFLICT (tenant, feed, record_id)"
            + " DO UPDATE SET fingerprint = EXCLUDED.fingerprint, delivered_at = now()"
            + " WHERE delivery_state.fingerprint <> EXCLUDED.fingerprint";
    /** Rows per statement, and how many marks may wait before a mark waits for the writer. */
    static final int GROUP = 1000;
    private static final int MAX_QUEUED = 10 * GROUP;
    static final Duration LINGER = Duration.ofMillis(5);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofMillis(500);

    private final DataSource dataSource;
    private final Object lock = new Object();
    /** Keyed by tenant, feed and record id; the newest fingerprint of each. */
    private LinkedHashMap<MarkKey, String> queued = new LinkedHashMap<>();
    /** The group being written: still read back until it committed. */
    private Map<MarkKey, String> writing = Map.of();
    private DeliveryStateUnavailableException failure;
    private ExecutorService thread;
    private volatile boolean stopping;

    DeliveryMarkWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Queues the mark of a record the downstream accepted. */
    void mark(String tenant, String feed, String recordId, String fingerprint) throws InterruptedException {
        synchronized (lock) {
            while (queued.size() >= MAX_QUEUED && failure == null && thread != null) {
                lock.wait(100); // the writer is behind: the walk waits for it instead of queuing without end
            }
            queued.put(new MarkKey(tenant, feed, recordId), fingerprint);
            lock.notifyAll();
        }
    }

    /** The newest fingerprint queued or being written for each of these records: what a check must see. */
    Map<String, String> queued(String tenant, String feed, Iterable<String> recordIds) {
        Map<String, String> found = new LinkedHashMap<>();
        synchronized (lock) {
            if (queued.isEmpty() && writing.isEmpty()) {
                return found;
            }
            for (String id : recordIds) {
                MarkKey key = new MarkKey(tenant, feed, id);
                String fingerprint = queued.containsKey(key) ? queued.get(key) : writing.get(key);
                if (fingerprint != null) {
                    found.put(id, fingerprint);
                }
            }
        }
        return found;
    }

    /** Which of these parents have a child among the marks queued or being written ({@code <parent>/...} ids). */
    Set<String> queuedParents(String tenant, String feed, Set<String> parentIds) {
        Set<String> found = new HashSet<>();
        synchronized (lock) {
            for (Map<MarkKey, String> marks : List.of(queued, writing)) {
                for (MarkKey key : marks.keySet()) {
                    int slash = key.recordId().indexOf('/');
                    if (slash > 0 && key.tenant().equals(tenant) && key.feed().equals(feed)
                            && parentIds.contains(key.recordId().substring(0, slash))) {
                        found.add(key.recordId().substring(0, slash));
                    }
                }
            }
        }
        return found;
    }

    /** Drops a queued mark (the record failed after all, on a later try). */
    void unmark(String tenant, String feed, String recordId, String fingerprint) {
        synchronized (lock) {
            queued.remove(new MarkKey(tenant, feed, recordId), fingerprint);
        }
    }

    /** Why the last write failed, while its marks wait for the database; null once a write went through. */
    DeliveryStateUnavailableException failure() {
        synchronized (lock) {
            return failure;
        }
    }

    /**
     * A run's end, before it lets go of its feed: writes every mark queued so far, or throws why the database could not
     * take them (they stay queued for the writer, and the run says so instead of ending as if they were written).
     */
    void flushAtRunEnd() {
        flush();
        synchronized (lock) {
            if (failure != null && !(queued.isEmpty() && writing.isEmpty())) {
                throw failure;
            }
        }
    }

    /** Writes every mark queued so far, in this thread (the marks of a failed write stay queued). */
    void flush() {
        while (true) {
            synchronized (lock) {
                if (queued.isEmpty() && writing.isEmpty()) {
                    return;
                }
            }
            if (!writeNextGroup()) {
                return; // the database is away: the marks stay queued for the writer
            }
        }
    }

    @Override
    protected void doStart() {
        stopping = false;
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "yyr-delivery-marks");
            t.setDaemon(true);
            return t;
        });
        thread.execute(this::writeWhileRunning);
    }

    @Override
    protected void doStop() throws InterruptedException {
        stopping = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        thread.shutdown();
        thread.awaitTermination(10, TimeUnit.SECONDS);
        flush();
        synchronized (lock) {
            if (!queued.isEmpty()) {
                LOG.warn("Cluster mode: {} delivered records could not be marked before stopping, the database cannot be"
                        + " reached; they are delivered again by the next run", queued.size());
            }
        }
    }

    private void writeWhileRunning() {
        while (!stopping) {
            try {
                synchronized (lock) {
                    while (queued.isEmpty() && !stopping) {
                        lock.wait();
                    }
                    // lingers a moment so that a group holds more than one mark: fewer commits for the database
                    long until = System.nanoTime() + LINGER.toNanos();
                    while (queued.size() < GROUP && !stopping && System.nanoTime() < until) {
                        lock.wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
                    }
                }
                if (!stopping && !writeNextGroup()) {
                    Thread.sleep(RETRY_AFTER_FAILURE.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Takes up to {@value #GROUP} queued marks and writes them in one statement; one writer at a time (the thread, or a
     * run's end). False when the database could not take them (they go back to the queue, behind nothing newer).
     */
    private synchronized boolean writeNextGroup() {
        List<MarkKey> keys = new ArrayList<>();
        List<String> fingerprints = new ArrayList<>();
        synchronized (lock) {
            var marks = queued.entrySet().iterator();
            while (marks.hasNext() && keys.size() < GROUP) {
                Map.Entry<MarkKey, String> mark = marks.next();
                keys.add(mark.getKey());
                fingerprints.add(mark.getValue());
                marks.remove();
            }
            if (keys.isEmpty()) {
                return true;
            }
            Map<MarkKey, String> group = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                group.put(keys.get(i), fingerprints.get(i));
            }
            writing = group;
        }
        DeliveryStateUnavailableException failed = null;
        try {
            write(keys, fingerprints);
        } catch (SQLException e) {
            failed = DatabaseDeliveryState.unavailable(e);
            LOG.debug("delivery marks not written yet: {}", e.getMessage());
        }
        synchronized (lock) {
            if (failed != null) {
                // back in front of the queue; a newer mark of the same record, queued meanwhile, wins
                LinkedHashMap<MarkKey, String> again = new LinkedHashMap<>(writing);
                again.putAll(queued);
                queued = again;
            }
            writing = Map.of();
            failure = failed;
            lock.notifyAll();
        }
        return failed == null;
    }

    private void write(List<MarkKey> keys, List<String> fingerprints) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(UPSERT)) {
            Array tenants = c.createArrayOf("varchar", keys.stream().map(MarkKey::tenant).toArray());
            Array feeds = c.createArrayOf("varchar", keys.stream().map(MarkKey::feed).toArray());
            Array ids = c.createArrayOf("varchar", keys.stream().map(MarkKey::recordId).toArray());
            Array prints = c.createArrayOf("varchar", fingerprints.toArray());
            s.setArray(1, tenants);
            s.setArray(2, feeds);
            s.setArray(3, ids);
            s.setArray(4, prints);
            s.executeUpdate();
        }
    }

    private record MarkKey(String tenant, String feed, String recordId) {
    }
}
