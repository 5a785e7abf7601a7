package org.yofacturoyampi.routes.support;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Counts the finished JSON files a sink wrote. Sinks write to {@code .inprogress-} files and rename them while we
 * look, so this lists names only (no attributes, which a vanished file would fail to give).
 */
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
        long count = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.endsWith(".json") && !name.startsWith(".inprogress-")) {
                    count++;
                } else if (depth > 1 && Files.isDirectory(entry)) {
                    count += count(entry, depth - 1);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return count;
        }
        return count;
    }
}
