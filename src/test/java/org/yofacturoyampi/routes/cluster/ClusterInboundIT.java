package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.TestDatabase;

/**
 * Inbound folders on a volume two nodes share: Camel's idempotent read lock on the cluster database hands each file to
 * one node. Yampi messages are the sharpest case (a message posted twice reaches the customer twice), so the sandbox's
 * count of posted messages is the evidence. (Camel's default read lock, {@code changed}, also creates marker files,
 * which keep two nodes apart on one local disk, but not on a volume without atomic create, nor when a node starts:
 * it deletes every marker file it finds, those of files another node is reading included.)
 */
@Tag("database")
class ClusterInboundIT {

    private static final int MESSAGES = 10;

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder().build();
    @AutoClose
    private final Sandbox sandbox = Sandbox.start(settings);
    @AutoClose
    private final TestDatabase db = TestDatabase.create();

    /** A node with its own output and state, reading the shared inbound folders, polling them every 100 ms. */
    private RunningApp node(String name) {
        return RunningApp.builder(work.resolve(name)).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.poll-cron", RunningApp.NEVER)
                .property("input-dir", work.resolve("shared-in").toString())
                .property("inbound.poll-delay", "100")
                .clusterDatabase(db)
                .property("cluster.node-id", name).start();
    }

    @Test
    void eachMessageDroppedInAFolderTwoNodesReadIsPostedOnce() throws Exception {
        // given two nodes reading one shared folder
        try (RunningApp a = node("a"); RunningApp b = node("b")) {
            // when messages are dropped there
            Path folder = work.resolve("shared-in/yampi-messages");
            for (int i = 1; i <= MESSAGES; i++) {
                drop(folder, "m" + i + ".json", "{\"account_id\": 1, \"conversation_id\": 100007, \"content\": \"msg " + i + "\"}");
            }

            // then every one is done, and each was posted once
            await().atMost(Duration.ofSeconds(60)).until(() -> done(folder) == MESSAGES);
            Thread.sleep(1000); // a second node that took a file too would post it within this
        }
        Map<Object, Long> posts = sandbox.yampi().postedMessages().stream()
                .collect(Collectors.groupingBy(m -> m.get("content"), Collectors.counting()));
        assertThat(posts).hasSize(MESSAGES).allSatisfy((content, times) -> assertThat(times).as("%s", content).isEqualTo(1L));
    }

    @Test
    void aNodeStartingWhileAnotherReadsAFileDoesNotTakeIt() throws Exception {
        // given node a took a message and waits to post it (Yampi answered 429 Retry-After: 8)
        sandbox.yampi().rateLimitNext(1, 8);
        Path folder = work.resolve("shared-in/yampi-messages");
        try (RunningApp a = node("a")) {
            drop(folder, "m.json", "{\"account_id\": 1, \"conversation_id\": 100007, \"content\": \"only once\"}");
            await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.yampi().recordedRequests().stream()
                    .anyMatch(r -> r.method().equals("POST")));

            // when node b starts meanwhile
            try (RunningApp b = node("b")) {
                // then the message is posted once, by node a, after the wait
                await().atMost(Duration.ofSeconds(30)).until(() -> done(folder) == 1);
                Thread.sleep(3000); // node b would have posted it within this, had it taken it
            }
        }
        assertThat(sandbox.yampi().postedMessages()).hasSize(1);
    }

    @Test
    void aFileDroppedAgainUnderTheSameNameIsReadAgain() throws Exception {
        // given one node read a trigger file
        try (RunningApp a = node("a")) {
            Path triggers = work.resolve("shared-in/triggers");
            drop(triggers, "t.json", "{\"feed\": \"yampi-contacts\", \"account\": \"1\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(triggers.resolve(".done/t.report.json")));
            Files.delete(triggers.resolve(".done/t.report.json"));
            Files.delete(triggers.resolve(".done/t.json"));

            // when one of the same name is dropped again, once its claim was dropped (10 s after it was done)
            Thread.sleep(10_500);
            drop(triggers, "t.json", "{\"feed\": \"yampi-contacts\", \"account\": \"1\"}");

            // then it is read again
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(triggers.resolve(".done/t.report.json")));
        }
    }

    private static long done(Path folder) throws IOException {
        Path done = folder.resolve(".done");
        if (!Files.isDirectory(done)) {
            return 0;
        }
        try (var files = Files.list(done)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        }
    }

    private static void drop(Path folder, String name, String content) throws IOException {
        Files.createDirectories(folder);
        Path temp = Files.writeString(folder.getParent().resolve("." + folder.getFileName() + "-" + name + ".tmp"), content);
        Files.move(temp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

}
