package org.yofacturoyampi.routes.benchmark;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One round of one variant, in a JVM of its own so that its heap and resident set are its own: a full sync against
 * the sandbox that {@link FullSyncBenchmark} runs in its process. Prints one line, {@value #RESULT} and a JSON object.
 * <p>
 * {@code java ... SyncRound <variant> <sandbox base URL> <work dir> <api key> <yampi token> [<cluster database URL>]},
 * variant one of {@code baseline}, {@code baseline-files} (the baseline also writing every record to a file, as the
 * routes' file sinks do), {@code baseline-jdbc} (the baseline, upserting each page into the table sink's tables of
 * the database given: {@link BareJdbcSync}), {@code routes-counting}, {@code routes-counting-c1} (counting, one
 * request at a time per organisation and token), {@code routes-files}, {@code routes-resync} (counting, over the
 * state a previous round left in the work dir), {@code routes-state} (counting, then the heap the app holds at the
 * sync's end and what the delivery state it left costs per record: {@link StateFootprint}),
 * {@code routes-cluster-counting} (counting, in cluster mode on the database given) or {@code routes-table} (the
 * table sink into the database given). The system property {@value #ACCOUNT_PROPERTY} names the Yampi account whose
 * contacts are walked (1).
 */
public final class SyncRound {

    static final String RESULT = "RESULT ";
    static final String ACCOUNT_PROPERTY = "bench.account";

    private SyncRound() {
    }

    public static void main(String... args) throws Exception {
        String variant = args[0];
        String baseUrl = args[1];
        Path workDir = Path.of(args[2]);
        String apiKey = args[3];
        String yampiToken = args[4];
        String databaseUrl = args.length > 5 ? args[5] : null;
        String clusterUrl = variant.startsWith("routes-cluster") ? databaseUrl : null;
        String sinkUrl = variant.equals("routes-table") ? databaseUrl : null;
        // the Yampi account whose contacts are walked (the latency mode has one of its own, smaller)
        long account = Long.getLong(ACCOUNT_PROPERTY, 1);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("variant", variant);
        try (MemoryWatch memory = new MemoryWatch()) {
            long records;
            long read = 0;
            double took;
            if (variant.startsWith("baseline") && !variant.equals("baseline-jdbc")) {
                long started = System.nanoTime();
                BareHttpClientSync sync = new BareHttpClientSync(baseUrl,
                        variant.equals("baseline-files") ? workDir.resolve("out") : null);
                records = sync.invoiceBatches(apiKey) + sync.contacts(yampiToken, account);
                took = seconds(System.nanoTime() - started);
            } else if (variant.equals("baseline-jdbc")) {
                try (BareJdbcSync sync = new BareJdbcSync(baseUrl, databaseUrl)) {
                    long started = System.nanoTime();
                    records = sync.invoiceBatches(apiKey) + sync.contacts(yampiToken, account);
                    took = seconds(System.nanoTime() - started);
                }
                checkRows(databaseUrl, records);
            } else {
                boolean counting = !variant.equals("routes-files") && sinkUrl == null;
                Map<String, String> more = new LinkedHashMap<>();
                more.put("yampi.account-ids", String.valueOf(account));
                if (variant.endsWith("-c1")) {
                    // one request at a time per organisation and token
                    more.put("yofacturo.max-concurrent-requests", "1");
                    more.put("yampi.max-concurrent-requests", "1");
                }
                long startup = System.nanoTime();
                try (RoutesSync sync = new RoutesSync(baseUrl, apiKey, yampiToken, workDir, counting, clusterUrl,
                        sinkUrl, more)) {
                    sync.start();
                    result.put("startup_s", seconds(System.nanoTime() - startup));
                    long started = System.nanoTime();
                    // wall clock too: the three-node round measures from the first node's start to the last one's end
                    result.put("sync_started_epoch_ms", System.currentTimeMillis());
                    records = 0;
                    for (Map.Entry<String, JsonNode> run : sync.syncAll(RoutesSync.FEEDS).entrySet()) {
                        String feed = run.getKey();
                        JsonNode report = run.getValue();
                        if (!"ok".equals(report.path("outcome").asText())) {
                            throw new IllegalStateException(feed + " ended with errors: " + report.path("errors"));
                        }
                        records += report.path("delivered_total").asLong();
                        read += report.path("records_read").asLong();
                    }
                    took = seconds(System.nanoTime() - started);
                    result.put("sync_ended_epoch_ms", System.currentTimeMillis());
                    if (variant.equals("routes-state")) {
                        // what the app holds on to once a sync is done: Camel, the routes, the delivery state
                        result.put("heap_after_gc_end_of_sync_mb", mb(StateFootprint.heapAfterGc()));
                    }
                    if (counting) {
                        long counted = sync.counted("invoice-batches") + sync.counted("batch-invoices")
                                + sync.counted("yampi");
                        if (counted != records) {
                            throw new IllegalStateException("the sinks counted " + counted + " records, the reports "
                                    + records);
                        }
                    }
                }
                if (sinkUrl != null) {
                    checkRows(sinkUrl, records);
                }
            }
            result.put("records", records);
            if (read > 0) {
                result.put("records_read", read);
            }
            result.put("seconds", took);
            result.put("records_per_s", took > 0 ? Math.round(records / took) : 0);
            result.put("peak_heap_used_mb", mb(memory.peakHeapUsedBytes()));
            result.put("peak_heap_after_gc_mb", mb(memory.peakHeapAfterGcBytes()));
        }
        if (variant.equals("routes-state")) {
            System.out.println("sync done, measuring the state it left: " + result); // in the log, should that fail
            result.putAll(StateFootprint.measure(workDir.resolve("state")));
        }
        result.put("max_heap_mb", mb(Runtime.getRuntime().maxMemory()));
        result.put("peak_rss_mb", mb(MemoryWatch.peakRssBytes()));
        System.out.println(RESULT + new ObjectMapper().writeValueAsString(result));
        System.exit(0);
    }

    /** The table sink's tables hold one row per record delivered. */
    private static void checkRows(String databaseUrl, long records) throws SQLException {
        try (Connection c = DriverManager.getConnection(databaseUrl, BenchSchema.USER, "");
                Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SELECT (SELECT count(*) FROM"
                        + " yofacturo_invoice_batches) + (SELECT count(*) FROM yofacturo_batch_invoices)"
                        + " + (SELECT count(*) FROM yampi_contacts)")) {
            rows.next();
            if (rows.getLong(1) != records) {
                throw new IllegalStateException("the tables hold " + rows.getLong(1) + " rows, the sync reported "
                        + records + " records");
            }
        }
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1e3;
    }

    private static double mb(long bytes) {
        return bytes < 0 ? -1 : Math.round(bytes / 1048576.0 * 10) / 10.0;
    }
}
