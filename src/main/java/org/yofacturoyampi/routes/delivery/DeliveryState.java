package org.yofacturoyampi.routes.delivery;

import org.apache.camel.spi.IdempotentRepository;

/**
 * A tenant's delivery state: Camel's {@link IdempotentRepository} for the routes' idempotent consumers, and a lookup of
 * what is recorded under one id (a cursor kept beside the records, such as the last message delivered of a
 * conversation). In files ({@link DeliveryStateRepository}) or, in cluster mode, in PostgreSQL.
 */
public interface DeliveryState extends IdempotentRepository {

    /** What is recorded under this id (a record's fingerprint, or a value kept under an id of its own), or null. */
    String recorded(String recordId);
}
