package org.yofacturoyampi.routes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Counts the finished JSON files a sink wrote (files still being written have a {@code .inprogress-} prefix). */
public final class JsonFiles {

    private JsonFiles() {
    }

    /** JSON files directly in {@code dir}; 0 if it does not exist yet. */
    public static long in(Path dir) throws IOException {
        return count(dir, 1);
    }

    /** JSON files anywhere below {@code dir}; 0 if it does not exist yet. */
    public static long under(Path dir) throws IOException {
        return count(dir, Integer.MAX_VALUE);
    }

    private static long count(Path dir, int depth) throws IOException {
        // a sink renames files while we walk: a file that vanished between listing and reading means "look again"
        for (int attempt = 1; ; attempt++) {
            try {
                return countOnce(dir, depth);
            } catch (UncheckedIOException | NoSuchFileException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static long countOnce(Path dir, int depth) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir, depth)) {
            return files.filter(f -> {
                String name = f.getFileName().toString();
                return name.endsWith(".json") && !name.startsWith(".inprogress-") && Files.isRegularFile(f);
            }).count();
        }
    }
}
