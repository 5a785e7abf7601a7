package org.yofacturoyampi.routes.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.delivery.PackedMarks.Mark;
import org.yofacturoyampi.routes.RouteVariables;

/**
 * What was delivered downstream, per record: an {@link IdempotentRepository} for Camel's idempotent consumer whose keys
 * are {@code "<record id>\t<fingerprint>"} (see {@link RecordKey}). A key is "contained" only when the record was
 * delivered with that same fingerprint, so a changed record goes downstream again while an unchanged one does not.
 * <p>
 * It keeps one mark per record id (not one per version), packed into two 64-bit numbers ({@link PackedMarks}: a hash of
 * the id, and a hash of the fingerprint, or a plain number such as a cursor exactly), in a primitive hash table
 * ({@link MarkTable}: at most about 38 bytes of heap per record, 33.8 measured at a million) and in an append-only file
 * ({@link MarkFile}) written once per mark, so a crash loses nothing that was marked. At start the file is read (a
 * million marks in 0.07 s on a quiet 2-core machine, 1.8 s on a busy one; the text files of earlier versions are read
 * too, and so migrated), then compacted: rewritten with one mark per record, unless it is that already. Stopped, it
 * gives the table's heap back.
 * <p>
 * A 64-bit hash of the id means two different record ids may share a mark: with n records the odds that any two do are
 * about n²/2^65 (3 in 100 million for a million records). Those two then look changed to each other on every sync and
 * are delivered again (a duplicate, as after a crash), never lost: for one of them to be skipped, its fingerprint's
 * 63-bit hash would also have to equal the other's (2^-63). Likewise a change of a record goes unseen only if its new
 * fingerprint's 63-bit hash equals the old one's: 1 in 9.2 * 10^18 changes.
 * <p>
 * One lock guards the table and the file, held for a lookup or for one mark's write; hashing happens outside it.
 */
public final class DeliveryStateRepository extends ServiceSupport implements DeliveryState {

    /** Exchange variable: "new" or "changed", set when a record is about to be delivered. */
    public static final String CHANGE = RouteVariables.RECORD_CHANGE;
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStateRepository.class);

    private final Path file;
    private final MarkTable marks = new MarkTable();
    private MarkFile log;

    public DeliveryStateRepository(Path file) {
        this.file = file;
    }

    /** As {@link #contains(String)}, and tells the exchange whether a record to deliver is new or changed. */
    @Override
    public boolean contains(Exchange exchange, String key) {
        Mark mark = Mark.of(key);
        long previous = lookup(mark.id());
        boolean known = previous == mark.value();
        if (!known) {
            exchange.setVariable(CHANGE, previous == PackedMarks.NONE ? "new" : "changed");
        }
        return known;
    }

    @Override
    public boolean contains(String key) {
        Mark mark = Mark.of(key);
        return lookup(mark.id()) == mark.value();
    }

    @Override
    public boolean add(String key) {
        Mark mark = Mark.of(key);
        synchronized (this) {
            if (marks.get(mark.id()) == mark.value()) {
                return false;
            }
            append(mark.id(), mark.value()); // first the file: a mark that could not be written is not taken as made
            marks.put(mark.id(), mark.value());
            return true;
        }
    }

    @Override
    public boolean remove(String key) {
        Mark mark = Mark.of(key);
        synchronized (this) {
            if (marks.get(mark.id()) != mark.value()) {
                return false;
            }
            append(mark.id(), PackedMarks.NONE);
            marks.remove(mark.id());
            return true;
        }
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public synchronized void clear() {
        marks.clear();
        try {
            closeLog();
            MarkFile.compact(file, marks);
            log = MarkFile.append(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear delivery state " + file, e);
        }
    }

    /**
     * What is recorded under this id: a plain number (a cursor) exactly as it was recorded; a fingerprint, which this
     * state keeps as a hash, as a stand-in ({@code #} and 16 hex digits, see {@link PackedMarks#readBack}); or null.
     */
    @Override
    public String recorded(String recordId) {
        return PackedMarks.readBack(lookup(PackedMarks.recordId(recordId, PackedMarks.sha256())));
    }

    /** How many records are marked delivered. */
    public synchronized int size() {
        return marks.size();
    }

    /** The bytes of heap the marks' table takes (its arrays). */
    public synchronized long tableBytes() {
        return marks.bytesAllocated();
    }

    @Override
    protected synchronized void doStart() throws IOException {
        marks.clear();
        MarkFile.Found found = MarkFile.read(file, marks);
        if (found != MarkFile.Found.COMPACT) {
            MarkFile.compact(file, marks);
        }
        if (found == MarkFile.Found.LINES) {
            LOG.info("Delivery state {}: {} records moved to the compact format", file, marks.size());
        }
        log = MarkFile.append(file);
    }

    @Override
    protected synchronized void doStop() throws IOException {
        closeLog();
        marks.clear(); // every mark is in the file, which the next start reads: the table's heap goes back now
    }

    private synchronized long lookup(long id) {
        return marks.get(id);
    }

    private void closeLog() throws IOException {
        if (log != null) {
            log.close();
            log = null;
        }
    }

    private void append(long id, long value) {
        if (log == null) {
            throw new IllegalStateException("delivery state " + file + " is not started");
        }
        try {
            log.write(id, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record delivery state in " + file + " (check STATE_DIR)", e);
        }
    }
}
