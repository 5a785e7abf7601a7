package org.yofacturoyampi.routes.inbound;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Drops a file into an inbound folder the way users should: written aside, then moved in. */
final class InboundFiles {

    private InboundFiles() {
    }

    static Path drop(Path folder, String name, String content) throws IOException {
        Files.createDirectories(folder);
        Path temp = Files.writeString(folder.resolve("." + name + ".tmp"), content);
        return Files.move(temp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    static String batch(String externalId, String... invoiceIds) {
        StringBuilder invoices = new StringBuilder();
        for (String id : invoiceIds) {
            invoices.append(invoices.length() == 0 ? "" : ", ").append("{\"external_invoice_id\": \"").append(id)
                    .append("\", \"issuer_nif\": \"B00000000\", \"lines\": []}");
        }
        return "{\"invoice_batch\": {\"external_batch_id\": \"" + externalId + "\", \"invoices\": [" + invoices + "]}}";
    }
}
