package org.yofacturoyampi.routes.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.yofacturoyampi.routes.delivery.DeliveryStateRepository;

/**
 * What the delivery state a sync left costs on the heap: the heap in use after a full GC, before and after every
 * {@code *.state} file under the state folder is loaded as the app loads it at start ({@link DeliveryStateRepository}),
 * divided by the records loaded; also the time the loading took and the bytes of the tables' arrays alone.
 */
final class StateFootprint {

    private StateFootprint() {
    }

    static Map<String, Object> measure(Path stateDir) throws IOException {
        List<Path> files;
        try (Stream<Path> paths = Files.walk(stateDir)) {
            files = paths.filter(p -> p.getFileName().toString().endsWith(".state")).sorted().toList();
        }
        long before = heapAfterGc();
        List<DeliveryStateRepository> states = new ArrayList<>();
        long started = System.nanoTime();
        for (Path file : files) {
            DeliveryStateRepository state = new DeliveryStateRepository(file);
            state.start();
            states.add(state);
        }
        double loadSeconds = Math.round((System.nanoTime() - started) / 1e6) / 1e3;
        long after = heapAfterGc();
        long entries = states.stream().mapToLong(DeliveryStateRepository::size).sum();
        long tables = states.stream().mapToLong(DeliveryStateRepository::tableBytes).sum();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("state_entries", entries);
        result.put("state_files", files.size());
        result.put("state_file_bytes", files.stream().mapToLong(StateFootprint::size).sum());
        result.put("state_load_s", loadSeconds);
        result.put("heap_after_gc_without_state_mb", mb(before));
        result.put("heap_after_gc_with_state_mb", mb(after));
        result.put("state_heap_bytes_per_entry",
                entries == 0 ? 0 : Math.round((after - before) * 10.0 / entries) / 10.0);
        result.put("state_table_bytes_per_entry", entries == 0 ? 0 : Math.round(tables * 10.0 / entries) / 10.0);
        Reference.reachabilityFence(states);
        states.forEach(DeliveryStateRepository::stop);
        return result;
    }

    /** The heap in use right after full collections (two, so that what the first freed is gone). */
    static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static double mb(long bytes) {
        return Math.round(bytes / 1048576.0 * 10) / 10.0;
    }
}
