package org.yofacturoyampi.routes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.yofacturoyampi.routes.app.Application;

/**
 * The application as a process of its own (a JVM on the test class path), run from the project folder with
 * config/application.properties and a file of test settings over it, and routes/*.yaml with any route files a test
 * adds. Environment variables of the two APIs and of cluster mode are removed, so only the settings given here apply.
 * Its output goes to {@link #log()}, a file of the node's name: a node started again under another name on the same
 * folder (a restart on the same state) keeps the first one's log.
 */
public final class NodeProcess implements AutoCloseable {

    private final String name;
    private final Path dir;
    private final int port;
    private final Process process;

    private NodeProcess(String name, Path dir, int port, Process process) {
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts a node with these settings, and these route files besides routes/*.yaml; output, state and inbound folders
     * go under {@code dir}.
     */
    public static NodeProcess start(String name, Path dir, Map<String, String> settings, Path... extraRoutes) {
        try {
            Files.createDirectories(dir);
            int port = freePort();
            Map<String, String> all = new LinkedHashMap<>();
            all.put("output-dir", dir.resolve("out").toString());
            all.put("state-dir", dir.resolve("state").toString());
            all.put("input-dir", dir.resolve("in").toString());
            all.put("server.host", "127.0.0.1");
            all.put("server.port", String.valueOf(port));
            // cluster mode (settings with cluster.database-url) needs a key; an obviously fake one
            all.put("cluster.secret-key", ClusterSchema.FAKE_SECRET_KEY);
            all.putAll(settings);
            Path config = dir.resolve(name + ".properties");
            Files.writeString(config, all.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
                    .collect(Collectors.joining("\n", "", "\n")));
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Application.class.getName(),
                    "--config", "config/application.properties", "--config", config.toString()));
            if (extraRoutes.length > 0) {
                command.add("--routes");
                command.add(Stream.concat(Stream.of("routes/*.yaml"), Stream.of(extraRoutes).map(Path::toString))
                        .map(file -> "file:" + file).collect(Collectors.joining(",")));
            }
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("YOFACTURO_") || k.startsWith("YAMPI_")
                    || k.startsWith("CLUSTER_"));
            return new NodeProcess(name, dir, port, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public Path dir() {
        return dir;
    }

    public Path log() {
        return dir.resolve(name + ".log");
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The log's lines so far. */
    public List<String> logLines() {
        try {
            return Files.exists(log()) ? Files.readAllLines(log()) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Readiness on its HTTP server: 200 once started and ready, else another status or -1 (not listening yet). */
    public int readiness() {
        try {
            HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Its exit status once it ended by itself within {@code timeout}, else null. */
    public Integer exitStatus(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** SIGTERM: the node stops by itself; see {@link #exitStatus(Duration)}. */
    public void terminate() {
        process.destroy();
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
