package org.yofacturoyampi.routes.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.NodeProcess;
import org.yofacturoyampi.routes.support.TestDatabase;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * Three nodes, each a JVM of its own, on one PostgreSQL schema: schedules every 2 s, check-in every 2 s (failover within
 * 2 x 2 s + 7.5 s = 11.5 s). The nodes' logs are kept in target/three-nodes/.
 */
@Tag("database")
@Tag("processes")
class ThreeNodesIT {

    private static final String EVERY_2_SECONDS = "0/2 * * * * ?";
    private static final String NEVER = "0 0 0 1 1 ? 2099";
    private static final Duration CHECKIN = Duration.ofSeconds(2);
    private static final Duration FAILOVER = CHECKIN.multipliedBy(2).plusMillis(7500);

    @TempDir
    Path work;

    private final List<NodeProcess> nodes = new ArrayList<>();
    private TestDatabase db;

    @AfterEach
    void stopNodes(TestInfo test) throws Exception {
        Path logs = Path.of("target", "three-nodes", test.getTestMethod().orElseThrow().getName());
        Files.createDirectories(logs);
        for (NodeProcess node : nodes) {
            node.kill();
            if (Files.exists(node.log())) {
                Files.copy(node.log(), logs.resolve(node.name() + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (db != null) {
            db.close();
        }
    }

    private Map<String, String> cluster(String nodeId) {
        Map<String, String> settings = new HashMap<>();
        settings.put("cluster.database-url", db.url());
        settings.put("cluster.database-user", db.user());
        settings.put("cluster.node-id", nodeId);
        settings.put("cluster.checkin-interval", CHECKIN.toString());
        return settings;
    }

    private void startThree(Function<String, Map<String, String>> settings) {
        for (int i = 1; i <= 3; i++) {
            String id = "node-" + i;
            Map<String, String> all = new HashMap<>(cluster(id));
            all.putAll(settings.apply(id));
            nodes.add(NodeProcess.start(id, work.resolve(id), all));
        }
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1))
                .until(() -> nodes.stream().allMatch(n -> n.readiness() == 200));
    }

    @Test
    void everyFireTimeWalksEachFeedOnceInTheWholeCluster() throws Exception {
        db = TestDatabase.create();
        SandboxSettings sandboxSettings = SandboxSettings.builder().batchCount(20).invoicesPerBatch(1).build();
        try (Sandbox sandbox = Sandbox.start(sandboxSettings)) {
            startThree(id -> Map.of(
                    "yofacturo.base-url", sandbox.baseUrl(),
                    "yofacturo.api-key", sandboxSettings.yofacturoApiKey(),
                    "yofacturo.poll-cron", EVERY_2_SECONDS,
                    "yofacturo.session-cron", NEVER,
                    "yampi.base-url", sandbox.baseUrl(),
                    "yampi.api-token", sandboxSettings.yampiUserToken(),
                    "yampi.account-ids", "1",
                    "yampi.resources", "contacts,teams",
                    "yampi.poll-cron", EVERY_2_SECONDS));

            // given the first walks done (they deliver everything, and the fire times that passed meanwhile run once
            // each right after), so that walks are short
            await().atMost(Duration.ofSeconds(120)).until(() -> List.of("yofacturo-invoice-batches", "yampi-contacts",
                    "yampi-teams").stream().allMatch(feed -> nodes.stream().flatMap(n -> n.logLines().stream())
                            .anyMatch(l -> l.contains(feed + " (schedule)") && l.contains(" 0 delivered"))));
            Thread.sleep(4_000);

            // when the cluster runs for 20 s: 10 fire times of each schedule
            Map<String, Long> before = firstPagesAsked(sandbox);
            Thread.sleep(20_000);
            Map<String, Long> after = firstPagesAsked(sandbox);

            // then each feed was walked once per fire time (10, or 11 with both ends of the window), not once per node and
            // fire time (30); a fire time that came while the machine was too busy runs late, still once
            for (String feed : List.of("invoice-batches", "contacts", "teams")) {
                long walks = after.getOrDefault(feed, 0L) - before.getOrDefault(feed, 0L);
                assertThat(walks).as("walks of %s in 10 fire times", feed).isBetween(5L, 12L);
            }
            // and the runs were shared out by the cluster, each line naming its node
            long runLines = nodes.stream().flatMap(n -> n.logLines().stream())
                    .filter(l -> l.contains("yampi-contacts (schedule)") && l.contains("(node node-")).count();
            assertThat(runLines).isGreaterThanOrEqualTo(after.get("contacts") - 1);
            // and one sessions call for the whole cluster, though each node checked the session as it started
            assertThat(sandbox.yofacturo().sessionCalls()).isEqualTo(1);
        }
    }

    /** Walks started per feed: each walk asks for its first list page once (or its only page: teams has no paging). */
    private static Map<String, Long> firstPagesAsked(Sandbox sandbox) {
        List<RecordedRequest> requests = new ArrayList<>(sandbox.yofacturo().recordedRequests());
        requests.addAll(sandbox.yampi().recordedRequests());
        return requests.stream().filter(r -> r.query() == null || !r.query().contains("page=")
                        || List.of(r.query().split("&")).contains("page=1"))
                .map(r -> r.path().substring(r.path().lastIndexOf('/') + 1).replace("invoice_batches", "invoice-batches"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void killMinus9OfTheNodeMidWalkLosesNothingAndAnotherNodeTakesTheFeedOverWithinTheFailoverTime() throws Exception {
        db = TestDatabase.create();
        int batches = 300;
        try (YoFacturoStub yofacturo = new YoFacturoStub().issuesSession()) {
            yofacturo.listsBatches(YoFacturoStub.batches(batches));
            // each batch's invoices answer slowly, so a walk takes several seconds (300 x 100 ms / 4 at once)
            yofacturo.server().stubFor(get(urlPathMatching("/api/v1/invoice_batches/[0-9]+/batch_invoices")).atPriority(4)
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withFixedDelay(100).withBody("{\"data\":[],\"meta\":{\"current_page\":1,\"total_pages\":1,"
                                    + "\"total_count\":0,\"per_page\":100}}")));
            startThree(id -> Map.of(
                    "yofacturo.base-url", yofacturo.baseUrl(),
                    "yofacturo.api-key", YoFacturoStub.API_KEY,
                    "yofacturo.poll-cron", EVERY_2_SECONDS,
                    "yofacturo.session-cron", NEVER,
                    // every delivery appends one line to the node's log of deliveries
                    "yofacturo.invoice-batches-to", "file:" + work.resolve(id)
                            + "?fileName=deliveries.log&fileExist=Append&appendChars=%0A"));

            // given a walk under way on some node
            await().atMost(Duration.ofSeconds(60)).until(() -> deliveries().size() >= 40);
            String walking = nodeHoldingTheFeed("yofacturo-invoice-batches");
            NodeProcess victim = nodes.stream().filter(n -> n.name().equals(walking)).findFirst().orElseThrow();

            // when that node is killed with SIGKILL
            victim.kill();
            int atKill = deliveries().size();
            assertThat(atKill).isLessThan(batches);

            // then another node delivers again within the failover time (plus a fire time)
            await().atMost(FAILOVER.plusSeconds(5)).until(() -> deliveries().size() > atKill);
            // and every batch arrives, twice at most those in flight at the kill: up to 4 batches side by side
            // (YOFACTURO_MAX_CONCURRENT_REQUESTS), and a batch or two delivered in the last few milliseconds whose
            // marks the node's writer had queued but not committed (DeliveryMarkWriter)
            await().atMost(Duration.ofSeconds(120)).until(() -> perBatch().size() == batches);
            Map<String, Long> perBatch = perBatch();
            assertThat(perBatch.values().stream().filter(n -> n > 1).count()).isLessThanOrEqualTo(4 + 2);
            assertThat(perBatch.values()).allMatch(n -> n <= 2);
            // and every batch is marked (the last one's mark follows its delivery by a moment)
            await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                    "SELECT count(*) FROM delivery_state WHERE feed = 'yofacturo-invoice-batches'") == batches);
        }
    }

    /** The node whose feed-lock session holds the feed's advisory lock (its application name names the node). */
    private String nodeHoldingTheFeed(String feed) throws Exception {
        String sql = "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.classid = hashtext('yyr-feed:" + db.schema() + "')::oid"
                + " AND l.objid = hashtext('" + feed + "')::oid";
        try (var c = db.connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            assertThat(rows.next()).as("a node holds %s", feed).isTrue();
            return rows.getString(1).substring(AdvisoryFeedLock.APPLICATION_NAME.length());
        }
    }

    private List<String> deliveries() throws Exception {
        List<String> all = new ArrayList<>();
        for (NodeProcess node : nodes) {
            Path log = node.dir().resolve("deliveries.log");
            if (Files.exists(log)) {
                Files.readAllLines(log).stream().filter(l -> !l.isBlank()).forEach(all::add);
            }
        }
        return all;
    }

    private Map<String, Long> perBatch() throws Exception {
        return deliveries().stream().map(l -> l.replaceAll(".*\"id\":(\\d+).*", "$1"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
