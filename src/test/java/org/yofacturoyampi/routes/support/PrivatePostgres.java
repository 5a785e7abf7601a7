package org.yofacturoyampi.routes.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server of the test's own (initdb in a temporary folder, a free port, trust authentication), so that a
 * test can stop and restart a real server without touching the one other tests share. Made from the binaries of the
 * installed PostgreSQL ({@code /usr/lib/postgresql/<version>/bin}); as root it runs them as the {@code postgres} user,
 * since PostgreSQL refuses to run as root. Without them the test is skipped, or fails under
 * {@value TestDatabase#REQUIRED}=true, as the other cluster tests.
 */
public final class PrivatePostgres implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 60;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private PrivatePostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** A new server, started. */
    public static PrivatePostgres start() throws Exception {
        Path bin = binaries();
        if (bin == null) {
            unavailable("no PostgreSQL binaries under /usr/lib/postgresql/*/bin (initdb, pg_ctl)");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("yyr-pg-");
        PrivatePostgres server = new PrivatePostgres(bin, dir.resolve("data"), freePort(), root);
        if (root) {
            run(List.of("chown", "-R", "postgres", dir.toString()));
        }
        server.pg(List.of(bin.resolve("initdb").toString(), "-D", server.dir.toString(), "-A", "trust", "-U", "postgres",
                "--no-sync"));
        server.startServer();
        return server;
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Stops the server (fast shutdown: every session is ended, as when a database restarts). */
    public void stop() throws Exception {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.toString(), "-m", "fast", "-w", "stop"));
    }

    /** Starts it again, on the same port, with the same data. */
    public void startServer() throws Exception {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.toString(), "-w", "-l", dir.resolveSibling("log").toString(),
                "-o", "-p " + port + " -k " + dir.getParent() + " -c listen_addresses=127.0.0.1 -c fsync=off",
                "start"));
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } catch (IllegalStateException alreadyStopped) {
            // stopped by the test
        }
        try (Stream<Path> files = Files.walk(dir.getParent())) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void pg(List<String> command) throws Exception {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + new String(output).strip());
        }
    }

    private static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.naturalOrder()).orElse(null);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void unavailable(String reason) {
        String message = reason + ": this test needs a PostgreSQL server of its own";
        if (Boolean.parseBoolean(System.getenv().getOrDefault(TestDatabase.REQUIRED,
                System.getProperty(TestDatabase.REQUIRED, "false")))) {
            Assertions.fail(message + "; " + TestDatabase.REQUIRED + "=true makes this a failure");
        }
        Assumptions.abort(message + "; skipped (" + TestDatabase.REQUIRED + "=true makes this a failure)");
    }
}
