package org.yofacturoyampi.routes.delivery;

import com.carrotsearch.hppc.LongLongHashMap;
import com.carrotsearch.hppc.procedures.LongLongProcedure;

/**
 * The marks of one delivery state in memory: packed record id to packed value ({@link PackedMarks}), in HPPC's
 * primitive open-addressing {@link LongLongHashMap}s (two {@code long} arrays, no object per entry), split by the id's
 * top bits into {@value #SHARDS} of them so that no array is large: growing one copies a 64th of the table, not all of
 * it (a 96 MB heap has no room for a 32 MB table and its 16 MB predecessor at once), and no array is a G1 "humongous"
 * object below about two million entries.
 * <p>
 * Load factor {@value #LOAD_FACTOR}: a table of {@code 2^k} slots holds up to 0.85 of them, then doubles; an entry
 * costs 16 bytes a slot, so 18.8 bytes per entry when full and 37.6 right after doubling (33.5 at 1,000,000 entries).
 * Not thread-safe: {@link DeliveryStateRepository} holds its lock around every call.
 */
final class MarkTable {

    static final int SHARDS = 64;
    private static final int SHARD_BITS = Long.SIZE - Integer.numberOfTrailingZeros(SHARDS);
    static final double LOAD_FACTOR = 0.85;

    private final LongLongHashMap[] shards = new LongLongHashMap[SHARDS];

    MarkTable() {
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new LongLongHashMap(4, LOAD_FACTOR);
        }
    }

    /** The packed value kept under a packed id, or {@link PackedMarks#NONE}. */
    long get(long id) {
        return shard(id).getOrDefault(id, PackedMarks.NONE);
    }

    /** Keeps a packed value under a packed id; returns the one it replaces, or {@link PackedMarks#NONE}. */
    long put(long id, long value) {
        LongLongHashMap shard = shard(id);
        int index = shard.indexOf(id);
        if (shard.indexExists(index)) {
            return shard.indexReplace(index, value);
        }
        shard.indexInsert(index, id, value);
        return PackedMarks.NONE;
    }

    void remove(long id) {
        shard(id).remove(id);
    }

    int size() {
        int size = 0;
        for (LongLongHashMap shard : shards) {
            size += shard.size();
        }
        return size;
    }

    void forEach(LongLongProcedure each) {
        for (LongLongHashMap shard : shards) {
            shard.forEach(each);
        }
    }

    /** Empties the table and gives its arrays back. */
    void clear() {
        for (LongLongHashMap shard : shards) {
            shard.release();
        }
    }

    /** The bytes its arrays take on the heap. */
    long bytesAllocated() {
        long bytes = 0;
        for (LongLongHashMap shard : shards) {
            bytes += shard.ramBytesAllocated();
        }
        return bytes;
    }

    private LongLongHashMap shard(long id) {
        return shards[(int) (id >>> SHARD_BITS)];
    }
}
