package org.yofacturoyampi.routes.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * An in-process simulator of the YoFacturo and Yampi.ai APIs on a loopback port, for {@code --sandbox}, the tests
 * and the benchmark. A test double of the vendors, not part of the production path.
 */
public final class Sandbox implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads;
    private final YoFacturoSimulator yofacturo;
    private final YampiSimulator yampi;

    private Sandbox(HttpServer server, ExecutorService threads, YoFacturoSimulator yofacturo, YampiSimulator yampi) {
        this.server = server;
        this.threads = threads;
        this.yofacturo = yofacturo;
        this.yampi = yampi;
    }

    public static Sandbox start(SandboxSettings settings) {
        // answer at once: without TCP_NODELAY the JDK server's small responses wait ~40 ms on delayed ACKs
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            HttpServer server = HttpServer.create(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port), 128);
            ExecutorService threads = Executors.newFixedThreadPool(8, r -> {
                Thread t = new Thread(r, "sandbox-http");
                t.setDaemon(true);
                return t;
            });
            YoFacturoSimulator yofacturo = new YoFacturoSimulator(settings, Clock.systemUTC());
            YampiSimulator yampi = new YampiSimulator(settings, Clock.systemUTC());
            // the longest matching prefix wins: Yampi's account paths, then everything else under /api/v1 is YoFacturo
            server.createContext("/api/v1/", yofacturo);
            server.createContext("/api/v1/accounts", yampi);
            server.createContext("/platform/api/v1/", yampi);
            server.setExecutor(threads);
            server.start();
            return new Sandbox(server, threads, yofacturo, yampi);
        } catch (IOException e) {
            throw new UncheckedIOException("the sandbox cannot listen on port " + settings.port, e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public YoFacturoSimulator yofacturo() {
        return yofacturo;
    }

    public YampiSimulator yampi() {
        return yampi;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
