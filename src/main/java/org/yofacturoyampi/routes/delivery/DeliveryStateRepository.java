package org.yofacturoyampi.routes.delivery;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * What was delivered downstream, per record: an {@link IdempotentRepository} for Camel's idempotent consumer whose keys
 * are {@code "<record id>\t<fingerprint>"} (see {@link RecordKey}). A key is "contained" only when the record was
 * delivered with that same fingerprint, so a changed record goes downstream again while an unchanged one does not. It
 * keeps one entry per record id (not one per version), in memory and in an append-only file that is flushed on every
 * add, so a crash loses nothing that was marked; the file is compacted at start.
 */
public final class DeliveryStateRepository extends ServiceSupport implements DeliveryState {

    /** Exchange variable: "new" or "changed", set when a record is about to be delivered. */
    public static final String CHANGE = "recordChange";
    private static final char SEPARATOR = '\t';
    private static final String REMOVED = "-";

    private final Path file;
    private final Map<String, String> delivered = new ConcurrentHashMap<>();
    private BufferedWriter log;

    public DeliveryStateRepository(Path file) {
        this.file = file;
    }

    /** As {@link #contains(String)}, and tells the exchange whether a record to deliver is new or changed. */
    @Override
    public boolean contains(Exchange exchange, String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        String previous = delivered.get(k.recordId());
        boolean known = k.fingerprint().equals(previous);
        if (!known) {
            exchange.setVariable(CHANGE, previous == null ? "new" : "changed");
        }
        return known;
    }

    @Override
    public boolean contains(String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        return k.fingerprint().equals(delivered.get(k.recordId()));
    }

    @Override
    public synchronized boolean add(String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        String previous = delivered.put(k.recordId(), k.fingerprint());
        if (k.fingerprint().equals(previous)) {
            return false;
        }
        append(k.recordId(), k.fingerprint());
        return true;
    }

    @Override
    public synchronized boolean remove(String key) {
        DeliveryKey k = DeliveryKey.parse(key);
        if (delivered.remove(k.recordId(), k.fingerprint())) {
            append(k.recordId(), REMOVED);
            return true;
        }
        return false;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public synchronized void clear() {
        delivered.clear();
        try {
            closeLog();
            Files.deleteIfExists(file);
            openLog();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear delivery state " + file, e);
        }
    }

    @Override
    public String recorded(String recordId) {
        return delivered.get(recordId);
    }

    /** How many records are marked delivered. */
    public int size() {
        return delivered.size();
    }

    @Override
    protected synchronized void doStart() throws IOException {
        delivered.clear();
        if (Files.exists(file)) {
            try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
                lines.forEach(this::replay);
            }
        }
        compact();
        openLog();
    }

    @Override
    protected synchronized void doStop() throws IOException {
        closeLog();
    }

    private void replay(String line) {
        int tab = line.lastIndexOf(SEPARATOR);
        if (tab <= 0) {
            return; // a line cut short by a crash: that record was not marked
        }
        String id = line.substring(0, tab);
        String fingerprint = line.substring(tab + 1);
        if (REMOVED.equals(fingerprint)) {
            delivered.remove(id);
        } else if (!fingerprint.isEmpty()) {
            delivered.put(id, fingerprint);
        }
    }

    private void compact() throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".compacting");
        try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, String> e : delivered.entrySet()) {
                out.write(e.getKey());
                out.write(SEPARATOR);
                out.write(e.getValue());
                out.write('\n');
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void openLog() throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        log = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private void closeLog() throws IOException {
        if (log != null) {
            log.close();
            log = null;
        }
    }

    private void append(String recordId, String fingerprint) {
        if (log == null) {
            throw new IllegalStateException("delivery state " + file + " is not started");
        }
        try {
            log.write(recordId);
            log.write(SEPARATOR);
            log.write(fingerprint);
            log.write('\n');
            log.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record delivery state in " + file + " (check STATE_DIR)", e);
        }
    }
}
