package org.yofacturoyampi.routes.delivery;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How the embedded delivery state packs a mark into two 64-bit numbers (see {@link DeliveryStateRepository}):
 * <ul>
 *   <li>a record id becomes the first 64 bits of its SHA-256 (never 0, which a file's zeroed tail would read as);</li>
 *   <li>what is recorded under it is kept exactly when it is a plain number of at most 18 digits without leading
 *   zeros (a cursor, such as the last message delivered of a conversation: 0 to 999,999,999,999,999,999, top bit
 *   clear); anything else (a record's fingerprint) becomes 63 bits of its SHA-256 with the top bit set.</li>
 * </ul>
 * {@value #NONE} is neither: it stands for "nothing recorded" in the table and for a removal in the file.
 * <p>
 * The hashes are persisted, so they must never change: SHA-256 is fixed by its standard and in every JDK.
 */
final class PackedMarks {

    /** Not a packed value: nothing is recorded (in the table), a mark removed (in the file). */
    static final long NONE = Long.MIN_VALUE;
    private static final int MAX_EXACT_DIGITS = 18;

    private PackedMarks() {
    }

    /** A key of the delivery state ({@link DeliveryKey}), packed. */
    record Mark(long id, long value) {

        static Mark of(String key) {
            DeliveryKey k = DeliveryKey.parse(key);
            MessageDigest sha256 = sha256();
            return new Mark(PackedMarks.recordId(k.recordId(), sha256), PackedMarks.value(k.fingerprint(), sha256));
        }
    }

    /** A record id's 64-bit hash, never 0. */
    static long recordId(String recordId, MessageDigest sha256) {
        long hash = hash(recordId, sha256);
        return hash == 0 ? 1 : hash;
    }

    /** What is recorded, packed: a plain number exactly, anything else as a 63-bit hash; never {@link #NONE}. */
    static long value(String recorded, MessageDigest sha256) {
        if (isPlainNumber(recorded)) {
            return Long.parseLong(recorded);
        }
        long hashed = hash(recorded, sha256) | Long.MIN_VALUE;
        return hashed == NONE ? NONE + 1 : hashed;
    }

    /** A SHA-256 digest for {@link #recordId} and {@link #value}, for one thread (one to reuse over many marks). */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    /**
     * A packed value read back: a plain number as it was recorded; a hashed one as {@code #} and its 16 hex digits,
     * a stand-in that tells something is recorded and compares equal for equal values, not the value itself.
     */
    static String readBack(long packed) {
        if (packed == NONE) {
            return null;
        }
        return packed >= 0 ? Long.toString(packed) : "#" + HexFormat.of().toHexDigits(packed);
    }

    static boolean isPlainNumber(String s) {
        int length = s.length();
        if (length == 0 || length > MAX_EXACT_DIGITS || length > 1 && s.charAt(0) == '0') {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static long hash(String s, MessageDigest sha256) {
        return ByteBuffer.wrap(sha256.digest(s.getBytes(StandardCharsets.UTF_8))).getLong();
    }
}
