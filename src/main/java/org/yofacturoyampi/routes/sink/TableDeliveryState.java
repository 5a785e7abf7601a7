package org.yofacturoyampi.routes.sink;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.yofacturoyampi.routes.delivery.DeliveryKey;
import org.yofacturoyampi.routes.delivery.DeliveryState;
import org.yofacturoyampi.routes.delivery.FingerprintCheck;
import org.yofacturoyampi.routes.paging.OpenRecord;
import org.yofacturoyampi.routes.paging.PageIds;

/**
 * The delivery state of a feed whose records go into tables: the table is the state. A record is delivered when its
 * row holds the record's fingerprint, and the row is written with that fingerprint in one statement, so the record and
 * the mark that it was delivered commit together: a crash at any point leaves the table and the state agreeing. What
 * is not a record (a conversation's message cursor) stays in the feed's usual state ({@code others}: files, or the
 * cluster's database).
 * <p>
 * A record's row is stashed by {@link TableSinkRow} (the feed's downstream) and joins its page's rows when Camel's
 * idempotent consumer adds the record, after all the record takes went through (a batch's invoices, a conversation's
 * messages); the page's rows are written at the page's end in one transaction, a page of batches with the invoices
 * of its batches ({@link TableSinkFlush}). Checking costs
 * one query per page ({@link PageIds}, as the cluster's state does), and none for the invoices of a batch that has
 * none in the table (one query per page of batches says which have).
 */
public final class TableDeliveryState extends ServiceSupport implements DeliveryState {

    /** Exchange variable: the row of the record at hand, stashed by {@link TableSinkRow}. */
    static final String ROW = "tableSinkRow";

    private final DeliveryState others;
    private final SinkWriter writer;
    private final PageRows pageRows;
    private final SinkRefusals refusals;
    private final String tenant;
    private final String feed;

    TableDeliveryState(DeliveryState others, SinkWriter writer, PageRows pageRows, SinkRefusals refusals, String tenant,
            String feed) {
        this.others = others;
        this.writer = writer;
        this.pageRows = pageRows;
        this.refusals = refusals;
        this.tenant = tenant;
        this.feed = feed;
    }

    @Override
    public boolean contains(Exchange exchange, String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        SinkTables.Place place = SinkTables.place(feed, k.recordId());
        if (place == null) {
            return others.contains(exchange, key);
        }
        return FingerprintCheck.known(exchange, k, () -> previous(exchange, place));
    }

    @Override
    public boolean contains(String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        SinkTables.Place place = SinkTables.place(feed, k.recordId());
        return place == null ? others.contains(key) : k.fingerprint().equals(lookup(place));
    }

    @Override
    public String recorded(String recordId) {
        SinkTables.Place place = SinkTables.place(feed, recordId);
        return place == null ? others.recorded(recordId) : lookup(place);
    }

    /**
     * The record was delivered: its row (stashed by the downstream, {@link TableSinkRow}) joins its page's rows, which
     * the page's end writes. A record that came alone is written at once. The row is the mark: nothing else is written.
     */
    @Override
    public boolean add(Exchange exchange, String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        SinkTables.Place place = SinkTables.place(feed, k.recordId());
        if (place == null) {
            return others.add(exchange, key);
        }
        SinkRow row = exchange.getVariable(ROW, SinkRow.class);
        if (row == null || !row.recordId().equals(k.recordId())) {
            return false; // not sent to the table in this exchange (an unchanged record): nothing to mark
        }
        exchange.removeVariable(ROW);
        SinkRow marked = row.withTenantAndFingerprint(tenant, k.fingerprint());
        if (marked.page() != null) {
            pageRows.add(marked);
            return true;
        }
        List<SinkWriter.Refusal> refused = writer.write(place.table(), List.of(marked));
        refusals.report(exchange, place.table(), refused);
        return refused.isEmpty();
    }

    /** Marks what is not a record (a cursor); a record is marked only by writing its row, through the exchange. */
    @Override
    public boolean add(String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        return SinkTables.place(feed, k.recordId()) == null && others.add(key);
    }

    @Override
    public boolean remove(Exchange exchange, String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        SinkTables.Place place = SinkTables.place(feed, k.recordId());
        if (place == null) {
            return others.remove(exchange, key);
        }
        exchange.removeVariable(ROW);
        PageIds page = exchange.getVariable(PageIds.VARIABLE, PageIds.class);
        return page != null && pageRows.remove(page, tenant, k.recordId());
    }

    @Override
    public boolean remove(String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        return SinkTables.place(feed, k.recordId()) == null && others.remove(key);
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        others.clear();
        writer.clear(tenant, SinkTables.tables(feed));
    }

    @Override
    protected void doStart() {
        ServiceHelper.startService(others);
    }

    @Override
    protected void doStop() {
        ServiceHelper.stopService(others);
    }

    /** The fingerprint the table holds for this record, from the page's one lookup when the page is known. */
    private String previous(Exchange exchange, SinkTables.Place place) {
        PageIds page = exchange.getVariable(PageIds.VARIABLE, PageIds.class);
        // the record's safe name: what the keys end with (SafeFileName), and what PageIds holds
        String name = exchange.getVariable(OpenRecord.RECORD_NAME, String.class);
        if (page == null || name == null || !place.key().endsWith(name) || !page.contains(name)) {
            return lookup(place);
        }
        String keyPrefix = place.key().substring(0, place.key().length() - name.length());
        String parent = parentOf(page, keyPrefix);
        boolean noRowsUnderParent = parent != null && !page.parent()
                .withChildren(scope(place.table()), ids -> writer.parentsWithRows(place.table(), tenant, ids))
                .contains(parent);
        if (noRowsUnderParent) {
            return null; // a batch with no invoice in the table: none of its invoices was delivered
        }
        Map<String, String> known = page.known(scope(place.table()) + '\t' + keyPrefix,
                names -> writer.fingerprints(place.table(), tenant, names.stream().map(n -> keyPrefix + n).toList()));
        return known.get(place.key());
    }

    private String lookup(SinkTables.Place place) {
        return writer.fingerprints(place.table(), tenant, Set.of(place.key())).get(place.key());
    }

    private String scope(String table) {
        return SinkTables.scope(tenant, table);
    }

    /** The parent's name when the key prefix is one segment ({@code <batch>/}) and it is on the parent page. */
    static String parentOf(PageIds page, String keyPrefix) {
        int slash = keyPrefix.indexOf('/');
        if (page.parent() == null || slash != keyPrefix.length() - 1) {
            return null;
        }
        String parent = keyPrefix.substring(0, slash);
        return page.parent().contains(parent) ? parent : null;
    }

    @Override
    public String toString() {
        return "delivery state " + tenant + "/" + feed + " in the table sink";
    }
}
