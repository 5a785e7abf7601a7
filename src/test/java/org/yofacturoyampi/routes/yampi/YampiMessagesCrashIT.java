package org.yofacturoyampi.routes.yampi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.sandbox.SandboxSettings.YampiAccount;
import org.yofacturoyampi.routes.sandbox.YampiSimulator;
import org.yofacturoyampi.routes.support.NodeProcess;

/** The messages of each conversation read by the application as its own process, killed mid-poll and started again. */
@Tag("processes")
class YampiMessagesCrashIT {

    private static final int CONVERSATIONS = 100;
    private static final int ALL_MESSAGES = IntStream.rangeClosed(1, CONVERSATIONS)
            .map(YampiSimulator::generatedMessages).sum();

    @TempDir
    Path work;

    private final SandboxSettings settings = SandboxSettings.builder()
            .yampiAccounts(Map.of(1L, new YampiAccount(0, CONVERSATIONS, 1, 1, 1, 1))).build();
    @AutoClose
    private final Sandbox sandbox = Sandbox.start(settings);

    /** The app as its own process on the test's folder (the same state each time), its Yampi feeds into a slow sink. */
    private NodeProcess launch(String name) throws Exception {
        // a downstream taking 20 ms a record, where every delivery appends one line: a record delivered twice shows twice
        Path sink = work.resolve("slow-sink.yaml");
        Files.writeString(sink, String.join("\n",
                "- route:",
                "    id: test-slow-sink",
                "    from:",
                "      uri: direct:slow-sink",
                "      steps:",
                "        - delay:",
                "            constant: 20",
                "        - to: \"file:" + work + "?fileName=deliveries.log&fileExist=Append&appendChars=%0A\"",
                ""));
        return NodeProcess.start(name, work, Map.of(
                "yampi.base-url", sandbox.baseUrl(),
                "yampi.api-token", settings.yampiUserToken(),
                "yampi.account-ids", "1",
                "yampi.resources", "conversations,messages",
                "yampi.poll-cron", "0/1 * * * * ?",
                "yampi.to", "direct:slow-sink"), sink);
    }

    /** How often each message was delivered (messages are the lines with a conversation_id). */
    private Map<String, Long> deliveriesPerMessage() throws Exception {
        Path log = work.resolve("deliveries.log");
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return lines.stream().filter(l -> l.contains("\"conversation_id\"")).map(l -> l.replaceAll("^\\{\"id\":(\\d+).*", "$1"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void afterKillMinus9MidPollARestartDeliversEveryMessageAndRepeatsAtMostTheOneInFlight() throws Exception {
        // given a first sync under way, amid the 45 messages of conversation 100025
        try (NodeProcess first = launch("first")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> deliveriesPerMessage()
                    .keySet().stream().filter(id -> id.startsWith("100025")).count() >= 3);

            // when the process is killed with SIGKILL
            first.kill();
        }
        assertThat(deliveriesPerMessage().keySet().stream().filter(id -> id.startsWith("100025")).count()).isLessThan(45);

        // and started again on the same state
        try (NodeProcess second = launch("second")) {
            await().atMost(Duration.ofSeconds(90)).until(() -> deliveriesPerMessage().size() == ALL_MESSAGES);
            Thread.sleep(1500); // one more poll: it must deliver no message
        }

        // then every message arrived, and at most the one in flight at the kill arrived twice
        Map<String, Long> perMessage = deliveriesPerMessage();
        assertThat(perMessage).hasSize(ALL_MESSAGES);
        assertThat(perMessage.values().stream().filter(n -> n > 1).count()).isLessThanOrEqualTo(1);
        assertThat(perMessage.values()).allMatch(n -> n <= 2);
    }
}
