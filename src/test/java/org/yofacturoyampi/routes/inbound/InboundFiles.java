package org.yofacturoyampi.routes.inbound;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** Drops a file into an inbound folder the way users should: written aside, then moved in. */
final class InboundFiles {

    private InboundFiles() {
    }

    static Path drop(Path folder, String name, String content) throws IOException {
        Files.createDirectories(folder);
        Path temp = Files.writeString(folder.resolve("." + name + ".tmp"), content);
        return Files.move(temp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The finished submission error files (JSON, not in progress) under {@code work}; none if the folder is not there yet. */
    static List<Path> submissionErrors(Path work) throws IOException {
        Path errors = work.resolve("out/yofacturo/submission-errors");
        if (!Files.isDirectory(errors)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(errors)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")
                    && !f.getFileName().toString().startsWith(".inprogress-")).toList();
        }
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
