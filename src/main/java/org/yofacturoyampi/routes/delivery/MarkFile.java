package org.yofacturoyampi.routes.delivery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The file of one delivery state: a header ({@code \0DSTATE\1}) and then marks of 16 bytes each, appended in the order
 * they were made: a packed record id and a packed value, big-endian ({@link PackedMarks}); a value of
 * {@link PackedMarks#NONE} removes the mark. The last mark stands. A mark cut short by a crash (the file's length is
 * not a whole number of marks) was never made, and a zeroed mark (id 0, which no record id packs to) is skipped.
 * <p>
 * Also reads the files of earlier versions, lines of {@code <record id>\t<fingerprint>} ({@code -} removes), packing
 * each line as a mark. {@link #read} says what it found: the compaction at start rewrites a file that is not one
 * whole mark per record (or not of this format).
 */
final class MarkFile implements AutoCloseable {

    static final int MARK_BYTES = 16;
    private static final byte[] HEADER = {0, 'D', 'S', 'T', 'A', 'T', 'E', 1};
    private static final int BUFFER = 64 * 1024;
    private static final String REMOVED_LINE = "-";

    /** What {@link #read} found. */
    enum Found {
        /** No file, or an empty one. */
        NOTHING,
        /** Marks, one per record, whole: nothing to compact. */
        COMPACT,
        /** Marks, some of them replaced or removed by later ones, or cut short: to compact. */
        MARKS,
        /** Lines of an earlier version: to rewrite in this format. */
        LINES
    }

    private final FileChannel channel;
    private final ByteBuffer mark = ByteBuffer.allocate(MARK_BYTES);

    private MarkFile(FileChannel channel) {
        this.channel = channel;
    }

    /** Replays the file (this format or lines of an earlier version) into an empty table. */
    static Found read(Path file, MarkTable into) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return Found.NOTHING;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] start = in.readNBytes(HEADER.length);
            if (!Arrays.equals(start, HEADER)) {
                readLines(file, into);
                return Found.LINES;
            }
        }
        return readMarks(file, into);
    }

    /**
     * Writes the table as a new file beside this one, forces it to the disk and moves it over the file in one step: a
     * crash leaves either the old file or the new one, both whole.
     */
    static void compact(Path file, MarkTable marks) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".compacting");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            buffer.put(HEADER);
            try {
                marks.forEach((id, value) -> {
                    if (buffer.remaining() < MARK_BYTES) {
                        drain(out, buffer);
                    }
                    buffer.putLong(id).putLong(value);
                });
                drain(out, buffer);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Opens the file (of this format: {@link #compact} first) to append marks to. */
    static MarkFile append(Path file) throws IOException {
        return new MarkFile(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND));
    }

    /** Appends one mark in one write: once this returns, a kill of the process cannot take it back. */
    void write(long id, long value) throws IOException {
        mark.clear();
        mark.putLong(id).putLong(value).flip();
        while (mark.hasRemaining()) {
            channel.write(mark);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static Found readMarks(Path file, MarkTable into) throws IOException {
        long read = 0;
        boolean whole = true;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            in.position(HEADER.length);
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            while (in.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.remaining() >= MARK_BYTES) {
                    whole &= replay(into, buffer.getLong(), buffer.getLong());
                    read++;
                }
                buffer.compact();
            }
            // what is left in the buffer is a mark cut short by a crash: it was never made
            whole &= buffer.position() == 0;
        }
        return whole && read == into.size() ? Found.COMPACT : Found.MARKS;
    }

    private static void readLines(Path file, MarkTable into) throws IOException {
        MessageDigest sha256 = PackedMarks.sha256();
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null) {
                int tab = line.lastIndexOf('\t');
                if (tab <= 0 || tab == line.length() - 1) {
                    continue; // a line cut short by a crash: that record was not marked
                }
                long id = PackedMarks.recordId(line.substring(0, tab), sha256);
                String recorded = line.substring(tab + 1);
                long value = REMOVED_LINE.equals(recorded) ? PackedMarks.NONE : PackedMarks.value(recorded, sha256);
                replay(into, id, value);
            }
        }
    }

    /** Replays one mark; false for zeros (where a mark was being written when the machine, not a process, stopped). */
    private static boolean replay(MarkTable into, long id, long value) {
        if (id == 0) {
            return false;
        }
        if (value == PackedMarks.NONE) {
            into.remove(id);
        } else {
            into.put(id, value);
        }
        return true;
    }

    private static void drain(FileChannel out, ByteBuffer buffer) {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.clear();
    }
}
