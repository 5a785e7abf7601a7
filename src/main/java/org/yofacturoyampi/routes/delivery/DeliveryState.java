package org.yofacturoyampi.routes.delivery;

import org.apache.camel.spi.IdempotentRepository;

/**
 * A tenant's delivery state: Camel's {@link IdempotentRepository} for the routes' idempotent consumers, and a lookup of
 * what is recorded under one id (a cursor kept beside the records, such as the last message delivered of a
 * conversation). In files ({@link DeliveryStateRepository}) or, in cluster mode, in PostgreSQL.
 */
public interface DeliveryState extends IdempotentRepository {

    /**
     * What is recorded under this id, or null: a value kept under an id of its own (such as a cursor), exactly when it
     * is a plain number (at most 18 digits); a record's fingerprint as this state keeps it (the files of the embedded
     * default keep a hash of it, so a stand-in that only tells that the record is marked).
     */
    String recorded(String recordId);
}
