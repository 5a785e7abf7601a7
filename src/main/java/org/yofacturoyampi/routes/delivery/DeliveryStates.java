package org.yofacturoyampi.routes.delivery;

import java.nio.file.Path;

import org.apache.camel.spi.Registry;

/**
 * Makes the delivery state of one tenant's feed: files under STATE_DIR by default ({@link DeliveryStateRepository}), or
 * what is bound as {@value #NAME} (cluster mode binds rows in PostgreSQL).
 */
@FunctionalInterface
public interface DeliveryStates {

    String NAME = "deliveryStates";

    /**
     * @param tenant the tenant id
     * @param feed   what the state is of: yofacturo-invoice-batches, yofacturo-batch-invoices, yampi
     * @param file   where the embedded default keeps it
     */
    DeliveryState create(String tenant, String feed, Path file);

    static DeliveryStates files() {
        return (tenant, feed, file) -> new DeliveryStateRepository(file);
    }

    /** The one bound in the registry, else files. */
    static DeliveryStates in(Registry registry) {
        DeliveryStates bound = registry.lookupByNameAndType(NAME, DeliveryStates.class);
        return bound != null ? bound : files();
    }
}
