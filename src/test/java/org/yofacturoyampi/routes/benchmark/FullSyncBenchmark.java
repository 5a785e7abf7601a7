package org.yofacturoyampi.routes.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.sandbox.SandboxSettings.YampiAccount;

/**
 * The full-sync benchmark (README, "Benchmark"): {@code mvn -B -Pbenchmark -DskipTests verify}.
 * <p>
 * Starts the sandbox in this process with a large data set (100,000 invoice batches of one invoice each, one Yampi
 * account of 50,000 contacts; loopback, no added latency), then runs rounds of each variant one after another, each
 * round a JVM of its own ({@link SyncRound}) so that heap and resident set are the variant's alone (after one baseline
 * round that is not counted, to warm the sandbox up):
 * <ul>
 *   <li>{@code baseline}: the same walk with the JDK HttpClient and Jackson, no Camel ({@link BareHttpClientSync});</li>
 *   <li>{@code baseline-files}: the same, also writing every record to a file as the routes' file sinks do (a
 *   temporary name, then a rename), to compare {@code routes-files} with like;</li>
 *   <li>{@code routes-counting}: the real routes to a Camel endpoint that only counts;</li>
 *   <li>{@code routes-files}: the real routes to the default file sinks;</li>
 *   <li>{@code routes-resync}: the routes once more over the state a counting round left: nothing has changed;</li>
 *   <li>{@code routes-cluster-counting}: as routes-counting, in cluster mode on PostgreSQL (a fresh schema per round,
 *   {@link BenchSchema}); then, once, three such nodes in three JVMs on one schema syncing the same feeds at once;</li>
 *   <li>{@code routes-table}: the real routes into the table sink's tables (SINK_DATABASE_URL, a fresh schema per
 *   round), against {@code baseline-jdbc}: the baseline's walk upserting each page into the same tables with a bare
 *   JDBC loop ({@link BareJdbcSync}), target 0.8.</li>
 * </ul>
 * The memory mode syncs to the counting sink with 512 MB, then 96 MB of heap, then 96 MB and a tenth of the batches,
 * then in cluster mode with 96 MB; then, against a sandbox of its own, a sync that leaves {@code bench.state-records}
 * (1,000,000) records of delivery state, batches of {@value #STATE_INVOICES_PER_BATCH} invoices, with 96 MB: it reports
 * the heap after GC at the sync's end and the heap each record of state takes ({@link StateFootprint}). Without
 * PostgreSQL at 127.0.0.1:5432 the cluster variants are skipped, in one line.
 * The latency mode makes every answer of the sandbox take {@code bench.latency-ms} (50 ms), as a real API's do, on a
 * data set of its own ({@code bench.latency-batches}, 1000, and {@code bench.latency-contacts}, 1500, in Yampi account
 * 2): the bare loop, still one request at a time, against the routes at their default concurrency and at one request
 * at a time ({@code routes-counting-c1}); then the bare loop and the routes again at 0 ms.
 * Prints tables and writes everything to {@code target/benchmark/full-sync.json}.
 * <p>
 * System properties: {@code bench.mode} ({@code all}, {@code throughput}, {@code memory}, {@code latency},
 * {@code cluster}: the cluster variants only, with routes-counting to compare them with, or {@code table}: routes-table
 * and baseline-jdbc, with baseline and routes-counting), {@code bench.rounds} (3), {@code bench.batches} (100000),
 * {@code bench.contacts} (50000), {@code bench.latency-ms} (50), {@code bench.latency-batches} (1000),
 * {@code bench.latency-contacts} (1500), {@code bench.jvm-args} (more options for the rounds' JVMs, e.g.
 * {@code -XX:StartFlightRecording=filename=/tmp/{round}.jfr} to profile each round with JFR).
 */
public final class FullSyncBenchmark {

    private static final int PER_PAGE = 100;
    private static final int CONTACTS_PER_PAGE = 15;
    private static final List<String> VARIANTS = List.of("baseline", "baseline-files", "routes-counting", "routes-files");
    /** The latency mode's own Yampi account, with fewer contacts than account 1 (each page costs the latency). */
    private static final long LATENCY_ACCOUNT = 2;
    private static final String CLUSTER = "routes-cluster-counting";
    /** The table sink and its bare JDBC baseline: each round on a fresh schema. */
    private static final List<String> TABLE = List.of("baseline-jdbc", "routes-table");
    private static final int CLUSTER_NODES = 3;
    private static final String STATE = "routes-state";
    /** Batches of 99 invoices: one invoices page each (100 a page), so the records, not the requests, dominate. */
    private static final int STATE_INVOICES_PER_BATCH = 99;
    private static final int STATE_CONTACTS = 15;
    /** More options for every round's JVM; {round} is replaced by the round's name (JFR: one recording per round). */
    private static final List<String> JVM_ARGS = List.of(System.getProperty("bench.jvm-args", "").trim().split("\\s+"))
            .stream().filter(a -> !a.isEmpty()).toList();

    private final Sandbox sandbox;
    private final SandboxSettings settings;
    private final Path outDir;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Whether the cluster variants run (PostgreSQL is reachable). */
    private final boolean cluster;
    /** The Yampi account the next rounds walk (account 1; the latency mode's own while it runs). */
    private long account = 1;

    private FullSyncBenchmark(Sandbox sandbox, SandboxSettings settings, Path outDir, boolean cluster) {
        this.sandbox = sandbox;
        this.settings = settings;
        this.outDir = outDir;
        this.cluster = cluster;
    }

    public static void main(String... args) throws Exception {
        String mode = System.getProperty("bench.mode", "all");
        int rounds = Integer.getInteger("bench.rounds", 3);
        int batches = Integer.getInteger("bench.batches", 100_000);
        int contacts = Integer.getInteger("bench.contacts", 50_000);
        int latencyMillis = Integer.getInteger("bench.latency-ms", 50);
        int latencyBatches = Integer.getInteger("bench.latency-batches", 1_000);
        int latencyContacts = Integer.getInteger("bench.latency-contacts", 1_500);
        if (!List.of("all", "throughput", "memory", "cluster", "table", "latency").contains(mode) || rounds < 1
                || batches < 10 || contacts < 1 || latencyMillis < 1 || latencyBatches < 10 || latencyContacts < 1) {
            System.err.println("bench.mode must be all, throughput, memory, cluster, table or latency; bench.rounds >= 1, "
                    + "bench.batches >= 10, bench.contacts >= 1, bench.latency-ms >= 1, bench.latency-batches >= 10, "
                    + "bench.latency-contacts >= 1");
            System.exit(2);
        }
        SandboxSettings settings = SandboxSettings.builder()
                .batchCount(mode.equals("latency") ? latencyBatches : batches)
                .invoicesPerBatch(1)
                .yampiAccounts(Map.of(1L, new YampiAccount(contacts, 0, 0, 0, 0, 0),
                        LATENCY_ACCOUNT, new YampiAccount(latencyContacts, 0, 0, 0, 0, 0)))
                .build();
        Path outDir = Path.of("target", "benchmark");
        deleteTree(outDir);
        Files.createDirectories(outDir);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("data_set", Map.of("invoice_batches", batches, "invoices_per_batch", 1, "yampi_contacts", contacts,
                "latency_mode", Map.of("latency_ms", latencyMillis, "invoice_batches", latencyBatches,
                        "yampi_contacts", latencyContacts)));
        report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version")));
        String noCluster = BenchSchema.unavailable();
        if (noCluster != null) {
            System.out.println("cluster and table sink variants skipped: " + noCluster + " (start it: pg_ctlcluster "
                    + "--skip-systemctl-redirect $(ls /etc/postgresql) main start)");
            report.put("cluster_skipped", noCluster);
            if (mode.equals("cluster") || mode.equals("table")) {
                return; // nothing else to run: the line above says why
            }
        }
        try (Sandbox sandbox = Sandbox.start(settings)) {
            FullSyncBenchmark bench = new FullSyncBenchmark(sandbox, settings, outDir, noCluster == null);
            bench.warmUp();
            if (mode.equals("latency")) {
                report.put("latency", bench.latency(rounds, latencyBatches, latencyContacts, latencyMillis));
            } else if (mode.equals("table")) {
                // with baseline and routes-counting: what the routes cost over a bare loop at this moment, without a table
                List<String> variants = new ArrayList<>(List.of("baseline", "routes-counting"));
                variants.addAll(TABLE);
                report.put("throughput", bench.throughput(rounds, batches, contacts, variants, false));
            } else if (mode.equals("cluster")) {
                report.put("throughput", bench.throughput(rounds, batches, contacts,
                        List.of("routes-counting", CLUSTER), false));
                report.put("cluster_nodes", bench.clusterNodes(batches, contacts));
                report.put("memory", bench.clusterMemory(batches, contacts));
            } else {
                if (!mode.equals("memory")) {
                    List<String> variants = new ArrayList<>(VARIANTS);
                    if (bench.cluster) {
                        variants.add(CLUSTER);
                        variants.addAll(TABLE);
                    }
                    report.put("throughput", bench.throughput(rounds, batches, contacts, variants, true));
                    if (bench.cluster) {
                        report.put("cluster_nodes", bench.clusterNodes(batches, contacts));
                    }
                }
                if (!mode.equals("throughput")) {
                    report.put("memory", bench.memory(batches, contacts));
                }
                if (mode.equals("all")) {
                    report.put("latency", bench.latency(rounds, latencyBatches, latencyContacts, latencyMillis));
                }
            }
            Path file = outDir.resolve("full-sync.json");
            bench.json.writeValue(file.toFile(), report);
            System.out.println("\nwritten: " + file);
        }
    }

    /** One baseline round, not counted: the sandbox's JIT warms up before the first measured round, whatever its variant. */
    private void warmUp() throws Exception {
        Path work = outDir.resolve("work").resolve("warm-up");
        System.out.println("warm-up (not counted):");
        run("baseline", "512m", work);
        deleteTree(work);
    }

    // ---- throughput ------------------------------------------------------------------------------------------------

    private Map<String, Object> throughput(int rounds, int batches, int contacts, List<String> variants,
                                           boolean withResync) throws Exception {
        long expected = 2L * batches + contacts;
        Map<String, List<Map<String, Object>>> byVariant = new LinkedHashMap<>();
        Path keptState = null;
        for (int round = 1; round <= rounds; round++) {
            for (String variant : variants) {
                Path work = outDir.resolve("work").resolve(variant + "-" + round);
                Map<String, Object> run = run(variant, "512m", work);
                check(run, "records", expected);
                byVariant.computeIfAbsent(variant, v -> new ArrayList<>()).add(run);
                if (variant.equals("routes-counting") && round == rounds) {
                    keptState = work;
                } else {
                    deleteTree(work);
                }
            }
        }
        // the same walk again over the state the last counting round left: nothing changed, nothing is delivered
        Map<String, Object> resync = null;
        if (withResync) {
            resync = run("routes-resync", "512m", keptState);
            check(resync, "records", 0);
            byVariant.put("routes-resync", List.of(resync));
        }
        deleteTree(keptState);

        List<Map<String, Object>> summary = new ArrayList<>();
        byVariant.forEach((variant, runs) -> summary.add(summarise(variant, runs)));
        double counting = byVariant.containsKey("routes-counting")
                ? median(byVariant.get("routes-counting"), "records_per_s") : 0;
        Map<String, Object> ratios = new LinkedHashMap<>();
        Map<String, Object> targets = new LinkedHashMap<>();
        if (byVariant.containsKey("baseline")) {
            double baseline = median(byVariant.get("baseline"), "records_per_s");
            ratios.put("routes-counting/baseline", ratio(counting, baseline));
            if (byVariant.containsKey("routes-files")) {
                ratios.put("routes-files/baseline", ratio(median(byVariant.get("routes-files"), "records_per_s"),
                        baseline));
            }
            targets.put("throughput ratio routes-counting/baseline >= 0.9",
                    (double) ratios.get("routes-counting/baseline") >= 0.9);
        }
        if (byVariant.containsKey("baseline-files") && byVariant.containsKey("routes-files")) {
            // the file sinks compared with like: the bare loop writing the same files the same way
            ratios.put("routes-files/baseline-files", ratio(median(byVariant.get("routes-files"), "records_per_s"),
                    median(byVariant.get("baseline-files"), "records_per_s")));
            targets.put("throughput ratio routes-files/baseline-files >= 0.9",
                    (double) ratios.get("routes-files/baseline-files") >= 0.9);
        }
        if (byVariant.containsKey(CLUSTER)) {
            ratios.put(CLUSTER + "/routes-counting", ratio(median(byVariant.get(CLUSTER), "records_per_s"), counting));
            targets.put("throughput ratio " + CLUSTER + "/routes-counting >= 0.8",
                    (double) ratios.get(CLUSTER + "/routes-counting") >= 0.8);
        }
        if (byVariant.containsKey("routes-table")) {
            ratios.put("routes-table/baseline-jdbc", ratio(median(byVariant.get("routes-table"), "records_per_s"),
                    median(byVariant.get("baseline-jdbc"), "records_per_s")));
            targets.put("throughput ratio routes-table/baseline-jdbc >= 0.8",
                    (double) ratios.get("routes-table/baseline-jdbc") >= 0.8);
        }
        long listCalls = ceil(batches, PER_PAGE);
        targets.put("every full sync: " + listCalls + " batch list calls and exactly 1 sessions call",
                byVariant.values().stream().flatMap(List::stream)
                        .allMatch(r -> ((Number) r.get("yofacturo_list_requests")).longValue() == listCalls
                                && ((Number) r.get("sessions_calls")).longValue() == 1));
        if (resync != null) {
            targets.put("re-sync of unchanged data: no request per record (" + listCalls + " list calls, 0 invoice "
                    + "calls, " + ceil(contacts, CONTACTS_PER_PAGE) + " contact pages)",
                    ((Number) resync.get("yofacturo_invoice_requests")).longValue() == 0
                            && ((Number) resync.get("yampi_requests")).longValue() == ceil(contacts, CONTACTS_PER_PAGE));
        }

        System.out.printf("%nFull sync, %d invoice batches of one invoice each and %d contacts%n", batches, contacts);
        printThroughput(summary, ratios, targets);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("rounds", rounds);
        result.put("summary", summary);
        result.put("ratios", ratios);
        result.put("targets", targets);
        result.put("runs", byVariant);
        return result;
    }

    private static Map<String, Object> summarise(String variant, List<Map<String, Object>> runs) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("variant", variant);
        s.put("rounds", runs.size());
        s.put("records", runs.get(0).get("records"));
        s.put("records_read", runs.get(0).getOrDefault("records_read", runs.get(0).get("records")));
        s.put("median_records_per_s", median(runs, "records_per_s"));
        s.put("median_seconds", median(runs, "seconds"));
        s.put("http_requests", runs.get(0).get("http_requests"));
        s.put("sessions_calls", runs.get(0).get("sessions_calls"));
        s.put("max_peak_heap_used_mb", max(runs, "peak_heap_used_mb"));
        s.put("max_peak_heap_after_gc_mb", max(runs, "peak_heap_after_gc_mb"));
        s.put("max_peak_rss_mb", max(runs, "peak_rss_mb"));
        return s;
    }

    private static void printThroughput(List<Map<String, Object>> summary, Map<String, Object> ratios,
                                        Map<String, Object> targets) {
        String format = "%-23s %8s %9s %11s %9s %10s %9s %11s %11s %9s%n";
        System.out.printf(format, "variant", "rounds", "records", "records/s", "seconds", "requests", "sessions",
                "heap peak", "heap (GC)", "RSS");
        System.out.printf(format, "", "", "", "(median)", "(median)", "", "", "MB", "MB", "MB");
        for (Map<String, Object> s : summary) {
            System.out.printf(format, s.get("variant"), s.get("rounds"), s.get("records"),
                    s.get("median_records_per_s"), s.get("median_seconds"), s.get("http_requests"),
                    s.get("sessions_calls"), s.get("max_peak_heap_used_mb"), s.get("max_peak_heap_after_gc_mb"),
                    s.get("max_peak_rss_mb"));
        }
        ratios.forEach((name, value) -> System.out.printf("ratio %s: %s%n", name, value));
        targets.forEach((name, met) -> System.out.printf("target %s: %s%n", (boolean) met ? "MET   " : "MISSED", name));
    }

    // ---- latency ---------------------------------------------------------------------------------------------------

    /**
     * The latency mode: every answer of the sandbox takes {@code millis} ms, as a real API's do. The bare loop (one
     * request at a time, as a hand-written loop would be) against the routes at their default concurrency and at one
     * request at a time; then the bare loop and the routes at their default again at 0 ms, to see that nothing was
     * lost where the network costs nothing. Its own data set: {@code batches} batches of one invoice, and Yampi
     * account {@value #LATENCY_ACCOUNT} with {@code contacts} contacts.
     */
    private Map<String, Object> latency(int rounds, int batches, int contacts, int millis) throws Exception {
        int batchesBefore = settings.batchCount();
        sandbox.yofacturo().setBatchCount(batches);
        account = LATENCY_ACCOUNT;
        long expected = 2L * batches + contacts;
        Map<String, List<Map<String, Object>>> slow = new LinkedHashMap<>();
        Map<String, List<Map<String, Object>>> fast = new LinkedHashMap<>();
        try {
            System.out.printf("latency mode: %d ms per answer, %d batches, %d contacts%n", millis, batches, contacts);
            for (int round = 1; round <= rounds; round++) {
                sandbox.latency(Duration.ofMillis(millis), Duration.ZERO);
                for (String variant : List.of("baseline", "routes-counting", "routes-counting-c1")) {
                    Path work = outDir.resolve("work").resolve("latency-" + millis + "ms-" + variant + "-" + round);
                    Map<String, Object> run = run(variant, "512m", work);
                    check(run, "records", expected);
                    slow.computeIfAbsent(variant, v -> new ArrayList<>()).add(run);
                    deleteTree(work);
                }
                sandbox.latency(Duration.ZERO, Duration.ZERO);
                for (String variant : List.of("baseline", "routes-counting")) {
                    Path work = outDir.resolve("work").resolve("latency-0ms-" + variant + "-" + round);
                    Map<String, Object> run = run(variant, "512m", work);
                    check(run, "records", expected);
                    fast.computeIfAbsent(variant, v -> new ArrayList<>()).add(run);
                    deleteTree(work);
                }
            }
        } finally {
            sandbox.latency(Duration.ZERO, Duration.ZERO);
            sandbox.yofacturo().setBatchCount(batchesBefore);
            account = 1;
        }
        List<Map<String, Object>> summary = new ArrayList<>();
        slow.forEach((variant, runs) -> {
            Map<String, Object> s = summarise(variant, runs);
            s.put("variant", variant + " @" + millis + "ms");
            summary.add(s);
        });
        fast.forEach((variant, runs) -> {
            Map<String, Object> s = summarise(variant, runs);
            s.put("variant", variant + " @0ms");
            summary.add(s);
        });
        double baselineSlow = median(slow.get("baseline"), "records_per_s");
        double baselineFast = median(fast.get("baseline"), "records_per_s");
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("routes-counting/baseline @" + millis + "ms",
                ratio(median(slow.get("routes-counting"), "records_per_s"), baselineSlow));
        ratios.put("routes-counting-c1/baseline @" + millis + "ms",
                ratio(median(slow.get("routes-counting-c1"), "records_per_s"), baselineSlow));
        ratios.put("routes-counting/baseline @0ms",
                ratio(median(fast.get("routes-counting"), "records_per_s"), baselineFast));
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("at " + millis + " ms, routes at the default concurrency >= 3x the bare loop",
                (double) ratios.get("routes-counting/baseline @" + millis + "ms") >= 3);
        targets.put("at " + millis + " ms, routes at concurrency 1 >= 0.9x the bare loop",
                (double) ratios.get("routes-counting-c1/baseline @" + millis + "ms") >= 0.9);
        targets.put("at 0 ms, routes at the default concurrency >= 0.9x the bare loop",
                (double) ratios.get("routes-counting/baseline @0ms") >= 0.9);

        System.out.printf("%nLatency mode, %d invoice batches of one invoice each and %d contacts%n", batches, contacts);
        printThroughput(summary, ratios, targets);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("latency_ms", millis);
        result.put("rounds", rounds);
        result.put("summary", summary);
        result.put("ratios", ratios);
        result.put("targets", targets);
        result.put("runs", Map.of("latency", slow, "no_latency", fast));
        return result;
    }

    // ---- three nodes -----------------------------------------------------------------------------------------------

    /**
     * Three nodes in three JVMs on one fresh schema, each asked to sync the same feeds at once: the feed lock lets one
     * walk a feed while the others wait, then find nothing new. The records delivered in the cluster must equal one
     * node's full sync; the wall time runs from the first node's first sync to the last node's end.
     */
    private Map<String, Object> clusterNodes(int batches, int contacts) throws Exception {
        long expected = 2L * batches + contacts;
        int sessions = sandbox.yofacturo().sessionCalls();
        int data = sandbox.yofacturo().dataRequests();
        int yampi = sandbox.yampi().requestCount();
        List<Map<String, Object>> nodes = new ArrayList<>();
        long launched = System.nanoTime();
        try (BenchSchema schema = BenchSchema.create()) {
            List<Process> children = new ArrayList<>();
            List<Path> logs = new ArrayList<>();
            for (int n = 1; n <= CLUSTER_NODES; n++) {
                Path work = outDir.resolve("work").resolve("cluster-node-" + n);
                Path log = outDir.resolve(CLUSTER + "-512m-node-" + n + ".log");
                children.add(launch(CLUSTER, "512m", work, schema.url(), log));
                logs.add(log);
            }
            System.out.printf("%d x %s, -Xmx512m, one schema: running (logs %s ...)%n", CLUSTER_NODES, CLUSTER,
                    logs.get(0));
            for (int n = 0; n < CLUSTER_NODES; n++) {
                Map<String, Object> node = result(CLUSTER, "512m", children.get(n), logs.get(n));
                node.put("node", n + 1);
                nodes.add(node);
                deleteTree(outDir.resolve("work").resolve("cluster-node-" + (n + 1)));
            }
        }
        double processWall = Math.round((System.nanoTime() - launched) / 1e6) / 1e3;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("nodes", nodes);
        boolean completed = nodes.stream().allMatch(n -> Boolean.TRUE.equals(n.get("completed")));
        long delivered = nodes.stream().mapToLong(n -> ((Number) n.getOrDefault("records", 0)).longValue()).sum();
        result.put("completed", completed);
        result.put("records_delivered", delivered);
        result.put("records_of_one_node", expected);
        if (completed) {
            long first = nodes.stream().mapToLong(n -> ((Number) n.get("sync_started_epoch_ms")).longValue()).min()
                    .orElseThrow();
            long last = nodes.stream().mapToLong(n -> ((Number) n.get("sync_ended_epoch_ms")).longValue()).max()
                    .orElseThrow();
            result.put("wall_seconds", (last - first) / 1e3);
        }
        result.put("wall_seconds_with_startup", processWall);
        result.put("sessions_calls", sandbox.yofacturo().sessionCalls() - sessions);
        result.put("http_requests", (sandbox.yofacturo().dataRequests() - data) + (sandbox.yampi().requestCount()
                - yampi) + (sandbox.yofacturo().sessionCalls() - sessions));

        System.out.printf("%n%d nodes in cluster mode on one schema, each syncing the same feeds at once%n",
                CLUSTER_NODES);
        String format = "%-6s %10s %9s %13s %9s %11s %11s%n";
        System.out.printf(format, "node", "completed", "records", "records read", "seconds", "heap peak", "heap (GC)");
        for (Map<String, Object> n : nodes) {
            System.out.printf(format, n.get("node"), n.get("completed"), n.get("records"), n.get("records_read"),
                    n.get("seconds"), n.get("peak_heap_used_mb"), n.get("peak_heap_after_gc_mb"));
        }
        System.out.printf("cluster: %d records delivered (one node's sync: %d), wall %s s from the first sync's start "
                        + "to the last one's end (%s s with JVM start-up), %s HTTP requests, %s sessions calls%n",
                delivered, expected, result.get("wall_seconds"), processWall, result.get("http_requests"),
                result.get("sessions_calls"));
        boolean once = completed && delivered == expected;
        System.out.printf("target %s: the cluster delivers each record once (%d in all)%n", once ? "MET   " : "MISSED",
                expected);
        result.put("targets", Map.of("the cluster delivers each record once", once));
        return result;
    }

    // ---- memory ----------------------------------------------------------------------------------------------------

    private Map<String, Object> memory(int batches, int contacts) throws Exception {
        List<Map<String, Object>> runs = new ArrayList<>();
        runs.add(memoryRun("routes-counting", "512m", batches));
        runs.add(memoryRun("routes-counting", "96m", batches));
        runs.add(memoryRun("routes-counting", "96m", batches / 10));
        if (cluster) {
            runs.add(memoryRun(CLUSTER, "96m", batches));
        }
        sandbox.yofacturo().setBatchCount(batches);
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("the " + batches + "-batch sync completes under -Xmx96m",
                Boolean.TRUE.equals(runs.get(1).get("completed")));
        if (cluster) {
            targets.put("the " + batches + "-batch sync in cluster mode completes under -Xmx96m",
                    Boolean.TRUE.equals(runs.get(3).get("completed")));
        }
        Map<String, Object> result = printMemory(runs, targets, contacts);
        result.put("state", stateMemory(Integer.getInteger("bench.state-records", 1_000_000)));
        return result;
    }

    /**
     * A sync that leaves {@code records} records of delivery state (batches and their invoices) under {@code -Xmx96m},
     * against a sandbox of its own: the heap after GC at the sync's end, and the heap per record of state.
     */
    private Map<String, Object> stateMemory(int records) throws Exception {
        int batches = Math.max(1, records / (1 + STATE_INVOICES_PER_BATCH));
        long expected = (long) batches * (1 + STATE_INVOICES_PER_BATCH);
        SandboxSettings stateSettings = SandboxSettings.builder()
                .batchCount(batches)
                .invoicesPerBatch(STATE_INVOICES_PER_BATCH)
                .yampiAccounts(Map.of(1L, new YampiAccount(STATE_CONTACTS, 0, 0, 0, 0, 0)))
                .build();
        Map<String, Object> run;
        try (Sandbox stateSandbox = Sandbox.start(stateSettings)) {
            run = new FullSyncBenchmark(stateSandbox, stateSettings, outDir, false).memoryRun(STATE, "96m", batches);
        }
        run.put("records_of_state_expected", expected + STATE_CONTACTS);
        boolean completed = Boolean.TRUE.equals(run.get("completed"));
        boolean all = run.get("state_entries") instanceof Number n && n.longValue() == expected + STATE_CONTACTS;
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("a sync leaving " + expected + " records of state (" + batches + " batches, "
                + (expected - batches) + " invoices) completes under -Xmx96m", completed && all);
        Object perEntry = run.get("state_heap_bytes_per_entry");
        targets.put("a record of state takes at most 40 bytes of heap",
                perEntry instanceof Number n && n.doubleValue() <= 40);
        System.out.printf("%nDelivery state, %d batches of %d invoices and %d contacts, -Xmx96m%n", batches,
                STATE_INVOICES_PER_BATCH, STATE_CONTACTS);
        String format = "%10s %9s %9s %11s %11s %14s %12s %12s %9s%n";
        System.out.printf(format, "completed", "records", "seconds", "heap peak", "heap (GC)", "heap (GC) at", "state",
                "state heap", "load");
        System.out.printf(format, "", "", "", "MB", "MB", "sync's end MB", "entries", "B/entry", "s");
        System.out.printf(format, run.get("completed"), run.get("records"), run.get("seconds"),
                run.get("peak_heap_used_mb"), run.get("peak_heap_after_gc_mb"), run.get("heap_after_gc_end_of_sync_mb"),
                run.get("state_entries"), perEntry, run.get("state_load_s"));
        System.out.printf("state tables alone: %s bytes per entry; state files: %s bytes%n",
                run.get("state_table_bytes_per_entry"), run.get("state_file_bytes"));
        targets.forEach((name, met) -> System.out.printf("target %s: %s%n", (boolean) met ? "MET   " : "MISSED", name));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("run", run);
        result.put("targets", targets);
        return result;
    }

    /** The memory mode of {@code bench.mode=cluster}: the counting sync in cluster mode under 96 MB of heap. */
    private Map<String, Object> clusterMemory(int batches, int contacts) throws Exception {
        List<Map<String, Object>> runs = List.of(memoryRun(CLUSTER, "96m", batches));
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("the " + batches + "-batch sync in cluster mode completes under -Xmx96m",
                Boolean.TRUE.equals(runs.get(0).get("completed")));
        return printMemory(runs, targets, contacts);
    }

    private static Map<String, Object> printMemory(List<Map<String, Object>> runs, Map<String, Object> targets,
                                                   int contacts) {
        System.out.printf("%nMemory, routes to the counting sink, %d contacts%n", contacts);
        String format = "%-23s %9s %9s %10s %9s %11s %11s %9s%n";
        System.out.printf(format, "variant", "max heap", "batches", "completed", "records", "heap peak", "heap (GC)",
                "RSS");
        for (Map<String, Object> r : runs) {
            System.out.printf(format, r.get("variant"), r.get("xmx"), r.get("batches"), r.get("completed"),
                    r.get("records"), r.get("peak_heap_used_mb"), r.get("peak_heap_after_gc_mb"), r.get("peak_rss_mb"));
        }
        targets.forEach((name, met) -> System.out.printf("target %s: %s%n", (boolean) met ? "MET   " : "MISSED", name));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("runs", runs);
        result.put("targets", targets);
        return result;
    }

    private Map<String, Object> memoryRun(String variant, String xmx, int batches) throws Exception {
        sandbox.yofacturo().setBatchCount(batches);
        Path work = outDir.resolve("work").resolve("memory-" + variant + "-" + xmx + "-" + batches);
        Map<String, Object> run = run(variant, xmx, work);
        deleteTree(work);
        run.put("batches", batches);
        return run;
    }

    // ---- one round -------------------------------------------------------------------------------------------------

    /**
     * One round of one variant in a JVM of its own (a cluster variant on a fresh schema); what the sandbox saw of it
     * is added to what the round says.
     */
    private Map<String, Object> run(String variant, String xmx, Path work) throws Exception {
        if (!variant.startsWith("routes-cluster") && !TABLE.contains(variant)) {
            return run(variant, xmx, work, null);
        }
        try (BenchSchema schema = BenchSchema.create()) {
            return run(variant, xmx, work, schema.url());
        }
    }

    private Map<String, Object> run(String variant, String xmx, Path work, String clusterUrl) throws Exception {
        int sessions = sandbox.yofacturo().sessionCalls();
        int data = sandbox.yofacturo().dataRequests();
        int lists = sandbox.yofacturo().batchListRequests();
        int yampi = sandbox.yampi().requestCount();
        Path log = outDir.resolve(variant + "-" + xmx + "-" + work.getFileName() + ".log");
        Process child = launch(variant, xmx, work, clusterUrl, log);
        System.out.printf("%s, -Xmx%s: running (log %s)%n", variant, xmx, log);
        Map<String, Object> run = result(variant, xmx, child, log);
        int lists2 = sandbox.yofacturo().batchListRequests();
        int data2 = sandbox.yofacturo().dataRequests();
        int yampi2 = sandbox.yampi().requestCount();
        run.put("sessions_calls", sandbox.yofacturo().sessionCalls() - sessions);
        run.put("yofacturo_list_requests", lists2 - lists);
        run.put("yofacturo_invoice_requests", (data2 - data) - (lists2 - lists));
        run.put("yampi_requests", yampi2 - yampi);
        run.put("http_requests", (data2 - data) + (yampi2 - yampi) + (sandbox.yofacturo().sessionCalls() - sessions));
        System.out.printf("  %s%n", json.writeValueAsString(run).replaceAll("\\s+", " "));
        return run;
    }

    /**
     * Starts one round's JVM: {@link SyncRound} with this variant, heap and work folder (and database: the cluster's,
     * or the table sink's), its output to {@code log}.
     */
    private Process launch(String variant, String xmx, Path work, String clusterUrl, Path log) throws IOException {
        Files.createDirectories(work);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + xmx, "-XX:+ExitOnOutOfMemoryError"));
        String round = variant + "-" + xmx + "-" + work.getFileName();
        JVM_ARGS.forEach(arg -> command.add(arg.replace("{round}", round)));
        command.add("-D" + SyncRound.ACCOUNT_PROPERTY + "=" + account);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SyncRound.class.getName(),
                variant, sandbox.baseUrl(), work.toString(), settings.yofacturoApiKey(), settings.yampiUserToken()));
        if (clusterUrl != null) {
            command.add(clusterUrl);
        }
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** Waits for a round's JVM (30 minutes at most) and reads what it printed. */
    private Map<String, Object> result(String variant, String xmx, Process child, Path log) throws Exception {
        boolean ended = child.waitFor(30, TimeUnit.MINUTES);
        if (!ended) {
            child.destroyForcibly().waitFor();
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("variant", variant);
        run.put("xmx", xmx);
        String result = lastResultLine(log);
        run.put("completed", ended && child.exitValue() == 0 && result != null);
        if (result != null) {
            json.readTree(result).fields().forEachRemaining(f -> run.putIfAbsent(f.getKey(), json.convertValue(
                    f.getValue(), Object.class)));
        } else {
            run.put("problem", ended ? "exit status " + child.exitValue() + ", see " + log : "timed out, see " + log);
        }
        return run;
    }

    private static String lastResultLine(Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.startsWith(SyncRound.RESULT)).map(l -> l.substring(SyncRound.RESULT.length()))
                    .reduce((a, b) -> b).orElse(null);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private static void check(Map<String, Object> run, String key, long expected) {
        Object actual = run.get(key);
        if (!(actual instanceof Number n) || n.longValue() != expected) {
            throw new IllegalStateException(run.get("variant") + ": " + key + " is " + actual + ", expected " + expected
                    + (run.containsKey("problem") ? " (" + run.get("problem") + ")" : ""));
        }
    }

    private static long ceil(long n, int per) {
        return (n + per - 1) / per;
    }

    private static double median(List<Map<String, Object>> runs, String key) {
        double[] values = runs.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).sorted().toArray();
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static double max(List<Map<String, Object>> runs, String key) {
        return runs.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).max().orElse(-1);
    }

    private static double ratio(double a, double b) {
        return Math.round(a / b * 1000) / 1000.0;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
