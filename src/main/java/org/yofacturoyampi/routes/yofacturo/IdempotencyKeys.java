package org.yofacturoyampi.routes.yofacturo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The {@code Idempotency-Key} of a batch submission: a UUID derived from the batch's {@code external_batch_id} alone,
 * so a resubmission after a crash, a timeout or a restart carries the same key and YoFacturo answers it from its cache
 * instead of creating the batch twice. The first 128 bits of SHA-256("yofacturo-invoice-batch:" + id), with the
 * version and variant bits of a v4 UUID, since YoFacturo asks for that format.
 */
public final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    public static UUID forInvoiceBatch(String externalBatchId) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256")
                    .digest(("yofacturo-invoice-batch:" + externalBatchId).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x40);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer bits = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bits.getLong(), bits.getLong());
    }
}
