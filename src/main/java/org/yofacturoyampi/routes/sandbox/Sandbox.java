package org.yofacturoyampi.routes.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * An in-process simulator of the YoFacturo and Yampi.ai APIs on a loopback port, for {@code --sandbox}, the tests
 * and the benchmark. A test double of the vendors, not part of the production path.
 */
public final class Sandbox implements AutoCloseable {

    private static final int THREADS = 64;

    private final HttpServer server;
    private final ExecutorService threads;
    private final YoFacturoSimulator yofacturo;
    private final YampiSimulator yampi;
    private final SimulatedNetwork yofacturoNetwork;
    private final SimulatedNetwork yampiNetwork;

    private Sandbox(HttpServer server, ExecutorService threads, YoFacturoSimulator yofacturo, YampiSimulator yampi,
            SimulatedNetwork yofacturoNetwork, SimulatedNetwork yampiNetwork) {
        this.server = server;
        this.threads = threads;
        this.yofacturo = yofacturo;
        this.yampi = yampi;
        this.yofacturoNetwork = yofacturoNetwork;
        this.yampiNetwork = yampiNetwork;
    }

    public static Sandbox start(SandboxSettings settings) {
        // answer at once: without TCP_NODELAY the JDK server's small responses wait ~40 ms on delayed ACKs
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            HttpServer server = HttpServer.create(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port), 128);
            // enough threads for the requests a client has in flight while each waits its latency
            ExecutorService threads = Executors.newFixedThreadPool(THREADS, r -> {
                Thread t = new Thread(r, "sandbox-http");
                t.setDaemon(true);
                return t;
            });
            YoFacturoSimulator yofacturo = new YoFacturoSimulator(settings, Clock.systemUTC());
            YampiSimulator yampi = new YampiSimulator(settings, Clock.systemUTC());
            SimulatedNetwork yofacturoNetwork = new SimulatedNetwork(yofacturo, settings.latency, settings.latencyJitter);
            SimulatedNetwork yampiNetwork = new SimulatedNetwork(yampi, settings.latency, settings.latencyJitter);
            // the longest matching prefix wins: Yampi's account paths, then everything else under /api/v1 is YoFacturo
            server.createContext("/api/v1/", yofacturoNetwork);
            server.createContext("/api/v1/accounts", yampiNetwork);
            server.createContext("/platform/api/v1/", yampiNetwork);
            server.setExecutor(threads);
            server.start();
            return new Sandbox(server, threads, yofacturo, yampi, yofacturoNetwork, yampiNetwork);
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

    /** The latency of YoFacturo's answers, and how many requests were in flight at once. */
    public SimulatedNetwork yofacturoNetwork() {
        return yofacturoNetwork;
    }

    /** The latency of Yampi's answers, and how many requests were in flight at once. */
    public SimulatedNetwork yampiNetwork() {
        return yampiNetwork;
    }

    /** Every answer of both APIs from now on takes {@code fixed} plus a random part of {@code jitter}. */
    public void latency(Duration fixed, Duration jitter) {
        yofacturoNetwork.latency(fixed, jitter);
        yampiNetwork.latency(fixed, jitter);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
