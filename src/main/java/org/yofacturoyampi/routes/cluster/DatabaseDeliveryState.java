package org.yofacturoyampi.routes.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.yofacturoyampi.routes.database.KeyProbe;
import org.yofacturoyampi.routes.delivery.DeliveryKey;
import org.yofacturoyampi.routes.delivery.DeliveryState;
import org.yofacturoyampi.routes.delivery.FingerprintCheck;
import org.yofacturoyampi.routes.delivery.DeliveryStateRepository;
import org.yofacturoyampi.routes.delivery.DeliveryStateUnavailableException;
import org.yofacturoyampi.routes.paging.OpenRecord;
import org.yofacturoyampi.routes.paging.PageIds;

/**
 * The delivery state of one tenant's feed in the cluster's database (table {@code delivery_state}), behind the same
 * {@link IdempotentRepository} seam as the files of {@link DeliveryStateRepository}: keys {@code "<record id>\t<fingerprint>"},
 * "contained" only when delivered with that fingerprint, and the exchange told whether a record to deliver is new or
 * changed.
 * <p>
 * Checking costs one query per page: the first record checked of a page looks up every record of the page
 * ({@link PageIds}, set by the page reader) and the others are answered from that. A record is marked when Camel's
 * idempotent consumer adds it, after the downstream accepted it: the mark is queued to the node's
 * {@link DeliveryMarkWriter}, which upserts the queued marks in groups, a millisecond or so later, and checks read
 * the queue too. Nothing is kept in memory beyond the page at hand and the marks not written yet.
 */
public final class DatabaseDeliveryState extends ServiceSupport implements DeliveryState {

    private static final char SEPARATOR = '\t';
    /** Lookups of a page's records and of a page's parents, one query each (migration V13: record_id in byte order). */
    static final KeyProbe PROBE = new KeyProbe("delivery_state", List.of("tenant", "feed"), "record_id", "fingerprint");
    private static final String UPSERT = "INSERT INTO delivery_state (tenant, feed, record_id, fingerprint)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (tenant, feed, record_id)"
            + " DO UPDATE SET fingerprint = EXCLUDED.fingerprint, delivered_at = now()"
            + " WHERE delivery_state.fingerprint <> EXCLUDED.fingerprint";
    private static final String DELETE = "DELETE FROM delivery_state WHERE tenant = ? AND feed = ? AND record_id = ?"
            + " AND fingerprint = ?";
    private static final String CLEAR = "DELETE FROM delivery_state WHERE tenant = ? AND feed = ?";

    private final DataSource dataSource;
    private final DeliveryMarkWriter marks;
    private final String tenant;
    private final String feed;

    DatabaseDeliveryState(DataSource dataSource, DeliveryMarkWriter marks, String tenant, String feed) {
        this.dataSource = dataSource;
        this.marks = marks;
        this.tenant = tenant;
        this.feed = feed;
    }

    @Override
    public boolean contains(Exchange exchange, String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        return FingerprintCheck.known(exchange, k, () -> {
            DeliveryStateUnavailableException marking = marks.failure();
            if (marking != null) {
                throw marking; // the marks of what was delivered wait for the database: deliver no more meanwhile
            }
            return previous(exchange, k.recordId());
        });
    }

    @Override
    public String recorded(String recordId) {
        return lookup(List.of(recordId)).get(recordId);
    }

    @Override
    public boolean contains(String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        return k.fingerprint().equals(lookup(List.of(k.recordId())).get(k.recordId()));
    }

    /**
     * Marks a record the downstream accepted: queued to the writer, which commits it with the marks around it. If the
     * database is away the mark waits in the queue, and the run ends at its next record instead of delivering more.
     */
    @Override
    public boolean add(Exchange exchange, String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        try {
            marks.mark(tenant, feed, k.recordId(), k.fingerprint());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        Scope scope = scope(exchange, k.recordId());
        if (scope != null) {
            scope.page.marked(scope.name, k.recordId(), k.fingerprint());
            if (scope.parentId != null) {
                scope.page.parent().childMarked(tenant + SEPARATOR + feed, scope.parentId);
            }
        }
        return true;
    }

    /** Marks a record at once, committed before it returns. */
    @Override
    public boolean add(String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        return update(UPSERT, k.recordId(), k.fingerprint()) > 0;
    }

    @Override
    public boolean remove(String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        marks.unmark(tenant, feed, k.recordId(), k.fingerprint());
        return update(DELETE, k.recordId(), k.fingerprint()) > 0;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(CLEAR)) {
            s.setString(1, tenant);
            s.setString(2, feed);
            s.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    @Override
    protected void doStart() {
        // the table is made by the migrations at start (ClusterDatabase)
    }

    @Override
    protected void doStop() {
        // the pool is closed by ClusterWiring
    }

    /** The fingerprint delivered for this record, from the page's one lookup when the page is known. */
    private String previous(Exchange exchange, String recordId) {
        Scope scope = scope(exchange, recordId);
        if (scope == null) {
            return lookup(List.of(recordId)).get(recordId);
        }
        boolean noneCommitted = scope.parentId != null && !scope.page.parent()
                .withChildren(tenant + SEPARATOR + feed, this::parentsWithRows).contains(scope.parentId);
        return scope.page.known(scope.name, ids -> {
            List<String> recordIds = ids.stream().map(id -> scope.prefix + id).toList();
            // a parent without a committed child: only this node's queued marks can know the page's records
            return noneCommitted ? marks.queued(tenant, feed, recordIds) : lookup(recordIds);
        }).get(recordId);
    }

    /**
     * Which of these parents (a page of batches) have any child record in this state, committed or queued: one query
     * for the page, on the index of migration V13.
     */
    private Set<String> parentsWithRows(Set<String> parentIds) {
        Set<String> found = new HashSet<>(marks.queuedParents(tenant, feed, parentIds)); // first, as in lookup
        try {
            found.addAll(PROBE.parentsWithRows(dataSource, parentIds, tenant, feed));
        } catch (SQLException e) {
            throw unavailable(e);
        }
        return found;
    }

    /**
     * The page this record is on, and what the state's record ids of that page start with: the record id is made of
     * the API's id after a prefix ({@code <batch id>/}, {@code <resource>/<account id>/}), the same for the whole page.
     */
    private Scope scope(Exchange exchange, String recordId) {
        PageIds page = exchange.getVariable(PageIds.VARIABLE, PageIds.class);
        // the record's safe name: what the routes' record ids end with (SafeFileName), and what PageIds holds
        String apiId = exchange.getVariable(OpenRecord.RECORD_NAME, String.class);
        if (page == null || apiId == null || !recordId.endsWith(apiId) || !page.contains(apiId)) {
            return null;
        }
        String prefix = recordId.substring(0, recordId.length() - apiId.length());
        return new Scope(page, tenant + SEPARATOR + feed + SEPARATOR + prefix, prefix, parentId(page, prefix));
    }

    /** The parent's id when the prefix is one segment ({@code <batch id>/}) and that parent is on the parent page. */
    private static String parentId(PageIds page, String prefix) {
        int slash = prefix.indexOf('/');
        if (page.parent() == null || slash != prefix.length() - 1) {
            return null;
        }
        String parent = prefix.substring(0, slash);
        return page.parent().contains(parent) ? parent : null;
    }

    private record Scope(PageIds page, String name, String prefix, String parentId) {
    }

    /** What is committed for these records, and over it what is queued to be: the marks this node made last. */
    private Map<String, String> lookup(Collection<String> recordIds) {
        // the queue first: a mark that leaves it meanwhile is committed before the query reads
        Map<String, String> queued = marks.queued(tenant, feed, recordIds);
        Map<String, String> found = committed(recordIds);
        found.putAll(queued);
        return found;
    }

    private Map<String, String> committed(Collection<String> recordIds) {
        try {
            return PROBE.values(dataSource, recordIds, tenant, feed);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private int update(String sql, String recordId, String fingerprint) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, tenant);
            s.setString(2, feed);
            s.setString(3, recordId);
            s.setString(4, fingerprint);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    static DeliveryStateUnavailableException unavailable(SQLException e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return new DeliveryStateUnavailableException("the cluster database cannot be reached for the delivery state: "
                + reason);
    }

    @Override
    public String toString() {
        return "delivery state " + tenant + "/" + feed + " in the cluster database";
    }
}
