package org.yofacturoyampi.routes.yampi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.app.Application;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.sandbox.SandboxSettings.YampiAccount;
import org.yofacturoyampi.routes.sandbox.YampiSimulator;

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
    private final Sandbox sandbox = Sandbox.start(settings);
    private Process running;

    @AfterEach
    void cleanUp() {
        if (running != null) {
            running.destroyForcibly();
        }
        sandbox.close();
    }

    private Process launch() throws Exception {
        Path testConfig = work.resolve("test.properties");
        Files.writeString(testConfig, String.join("\n",
                "yampi.base-url = " + sandbox.baseUrl(),
                "yampi.api-token = " + settings.yampiUserToken(),
                "yampi.account-ids = 1",
                "yampi.resources = conversations,messages",
                "yampi.poll-cron = 0/1 * * * * ?",
                "output-dir = " + work.resolve("out"),
                "state-dir = " + work.resolve("state"),
                "input-dir = " + work.resolve("in"),
                "server.host = 127.0.0.1",
                "server.port = " + freePort(),
                "yampi.to = direct:slow-sink",
                ""));
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
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Application.class.getName(),
                "--config", "config/application.properties", "--config", testConfig.toString(),
                "--routes", "file:routes/*.yaml,file:" + sink);
        pb.redirectErrorStream(true).redirectOutput(work.resolve("app-" + System.nanoTime() + ".log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("YOFACTURO_") || k.startsWith("YAMPI_"));
        running = pb.start();
        return running;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
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
        Process first = launch();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> deliveriesPerMessage()
                .keySet().stream().filter(id -> id.startsWith("100025")).count() >= 3);

        // when the process is killed with SIGKILL
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertThat(deliveriesPerMessage().keySet().stream().filter(id -> id.startsWith("100025")).count()).isLessThan(45);

        // and started again on the same state
        launch();
        await().atMost(Duration.ofSeconds(90)).until(() -> deliveriesPerMessage().size() == ALL_MESSAGES);
        Thread.sleep(1500); // one more poll: it must deliver no message

        // then every message arrived, and at most the one in flight at the kill arrived twice
        Map<String, Long> perMessage = deliveriesPerMessage();
        assertThat(perMessage).hasSize(ALL_MESSAGES);
        assertThat(perMessage.values().stream().filter(n -> n > 1).count()).isLessThanOrEqualTo(1);
        assertThat(perMessage.values()).allMatch(n -> n <= 2);
    }
}
