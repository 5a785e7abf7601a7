package org.yofacturoyampi.routes.benchmark;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.Main;
import org.yofacturoyampi.routes.RouteHeaders;
import org.yofacturoyampi.routes.app.Application;
import org.yofacturoyampi.routes.app.LaunchOptions;

/**
 * Ours: the real application (config/application.properties, routes/*.yaml) started as {@code --once} starts it
 * (no schedules, no inbound folders, no HTTP server), then a full sync of each feed through {@code direct:sync},
 * exactly as a trigger runs it, the feeds side by side as {@code --once} runs them. The sink is either a Camel
 * endpoint that only counts ({@code mock:} keeping no exchange), the default file sinks, or the table sink. With a
 * cluster database it runs in cluster mode (delivery state, sessions and feed locks in PostgreSQL).
 */
final class RoutesSync implements AutoCloseable {

    /** A mock endpoint that keeps no exchange, nor copies one: it counts what it receives and lets it go. */
    static final String COUNTING = "mock:%s?retainFirst=0&retainLast=0&copyOnExchange=false";
    static final List<String> FEEDS = List.of("yofacturo-invoice-batches", "yampi-contacts");

    /** An obviously fake cluster.secret-key, as the cluster tests use: the base64 of 32 ASCII bytes. */
    private static final String FAKE_SECRET_KEY = Base64.getEncoder()
            .encodeToString("fake-cluster-key-32-bytes-long!!".getBytes(StandardCharsets.US_ASCII));

    private final Main main;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param clusterUrl the cluster database (a JDBC URL to PostgreSQL) for cluster mode, or null for the default
     * @param sinkUrl    the table sink's database: records go into its tables (alerts to a counting sink), or null
     * @param more       settings of the round's own, over the ones above (another account, another concurrency)
     */
    RoutesSync(String baseUrl, String apiKey, String yampiToken, Path workDir, boolean countingSink, String clusterUrl,
            String sinkUrl, Map<String, String> more) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("output-dir", workDir.resolve("out").toString());
        p.put("state-dir", workDir.resolve("state").toString());
        p.put("input-dir", workDir.resolve("in").toString());
        p.put("yofacturo.base-url", baseUrl);
        p.put("yofacturo.api-key", apiKey);
        p.put("yampi.base-url", baseUrl);
        p.put("yampi.api-token", yampiToken);
        p.put("yampi.token-kind", "user");
        p.put("yampi.account-ids", "1");
        p.put("yampi.resources", "contacts");
        if (countingSink) {
            p.put("yofacturo.invoice-batches-to", COUNTING.formatted("invoice-batches"));
            p.put("yofacturo.batch-invoices-to", COUNTING.formatted("batch-invoices"));
            p.put("yofacturo.alerts-to", COUNTING.formatted("alerts"));
            p.put("yampi.to", COUNTING.formatted("yampi"));
        }
        if (sinkUrl != null) {
            p.put("sink.database-url", sinkUrl);
            p.put("sink.database-user", BenchSchema.USER);
            p.put("yofacturo.alerts-to", COUNTING.formatted("alerts"));
        }
        if (clusterUrl != null) {
            p.put("cluster.database-url", clusterUrl);
            p.put("cluster.database-user", BenchSchema.USER);
            p.put("cluster.secret-key", FAKE_SECRET_KEY);
        }
        p.putAll(more);
        main = Application.create(LaunchOptions.parse("--once"), p);
    }

    void start() {
        main.start();
    }

    /**
     * Runs the feeds side by side, as {@code --once} runs them (each organisation and token within its
     * max-concurrent-requests), each to its end; returns their reports (the JSON that a trigger answers with).
     */
    Map<String, JsonNode> syncAll(List<String> feeds) throws Exception {
        ProducerTemplate template = main.getCamelContext().createProducerTemplate();
        Map<String, CompletableFuture<Exchange>> runs = new LinkedHashMap<>();
        for (String feed : feeds) {
            runs.put(feed, template.asyncSend("direct:sync", e -> {
                e.getMessage().setHeader(RouteHeaders.SYNC_FEED, feed);
                e.getMessage().setHeader(RouteHeaders.SYNC_TRIGGER, "benchmark");
            }));
        }
        Map<String, JsonNode> reports = new LinkedHashMap<>();
        for (Map.Entry<String, CompletableFuture<Exchange>> r : runs.entrySet()) {
            Exchange run = r.getValue().get();
            if (run.getException() != null) {
                throw run.getException();
            }
            reports.put(r.getKey(), json.readTree(run.getMessage().getBody(String.class)));
        }
        return reports;
    }

    /** Messages a counting sink received, checking that it kept none of them. */
    long counted(String name) {
        MockEndpoint mock = main.getCamelContext().getEndpoint(COUNTING.formatted(name), MockEndpoint.class);
        if (!mock.getReceivedExchanges().isEmpty()) {
            throw new IllegalStateException("the counting sink " + name + " kept exchanges: its memory would grow");
        }
        return mock.getReceivedCounter();
    }

    @Override
    public void close() {
        main.stop();
    }
}
