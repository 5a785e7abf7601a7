package org.yofacturoyampi.routes.sandbox;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * YoFacturo as documented in shared/api-reference.md: sessions, Bearer checks, paged batches and batch invoices,
 * batch creation with Idempotency-Key. Generated batches are computed from their id (nothing is held per record), so
 * a sandbox of 100,000 batches costs no memory; only changed and created batches are stored.
 */
public final class YoFacturoSimulator implements HttpHandler {

    private static final Pattern ONE_BATCH = Pattern.compile("/api/v1/invoice_batches/(\\d+)");
    private static final Pattern BATCH_INVOICES = Pattern.compile("/api/v1/invoice_batches/(\\d+)/batch_invoices");
    private static final Instant EPOCH = Instant.parse("2026-03-01T08:00:00Z");

    private final SandboxSettings settings;
    private final Clock clock;
    private final SandboxHttp http = new SandboxHttp(
            SandboxHttp.error("too_many_requests", "Rate limit exceeded"));
    private final Map<String, Instant> sessions = new ConcurrentHashMap<>();
    private final Map<Long, Integer> versions = new ConcurrentHashMap<>();
    private final Set<Long> rejectedInvoices = ConcurrentHashMap.newKeySet();
    private final List<Map<String, Object>> created = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> idempotencyReplies = new ConcurrentHashMap<>();
    private final AtomicInteger sessionCalls = new AtomicInteger();
    private final AtomicInteger dataRequests = new AtomicInteger();
    private final AtomicInteger batchListRequests = new AtomicInteger();
    private volatile int batchCount;

    private record Answer(int status, Object body) {
    }

    YoFacturoSimulator(SandboxSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.batchCount = settings.batchCount;
    }

    // ---- controls and inspection -----------------------------------------------------------------------------------

    /** The batch's JSON changes: it becomes processed, with a processed_at that moves on every change. */
    public void changeBatch(long id) {
        versions.merge(id, 1, Integer::sum);
    }

    /** The k-th invoice of a batch is rejected by VeriFactu later; the batch itself does not change. */
    public void rejectInvoice(long batchId, int k) {
        rejectedInvoices.add(batchId * 10 + k);
    }

    public void revokeAllSessions() {
        sessions.clear();
    }

    public void rateLimitNext(int n, Integer retryAfterSeconds) {
        http.rateLimitNext(n, retryAfterSeconds);
    }

    public void failNext(int n, int status) {
        http.failNext(n, status);
    }

    public void garbageNext(int n) {
        http.garbageNext(n);
    }

    public void setBatchCount(int count) {
        this.batchCount = count;
    }

    public int sessionCalls() {
        return sessionCalls.get();
    }

    public int dataRequests() {
        return dataRequests.get();
    }

    /** Of the data requests, those for a page of the batch list (GET /api/v1/invoice_batches). */
    public int batchListRequests() {
        return batchListRequests.get();
    }

    public int createdBatches() {
        return created.size();
    }

    public List<RecordedRequest> recordedRequests() {
        return http.recorded();
    }

    // ---- HTTP ------------------------------------------------------------------------------------------------------

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            http.record(exchange);
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/api/v1/auth/sessions") && method.equals("POST")) {
                createSession(exchange);
                return;
            }
            dataRequests.incrementAndGet();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || auth.isBlank()) {
                error(exchange, 401, "unauthorized", "Missing Authorization header");
                return;
            }
            Instant expires = auth.startsWith("Bearer ") ? sessions.get(auth.substring(7)) : null;
            if (expires == null || !clock.instant().isBefore(expires)) {
                error(exchange, 401, "unauthorized", "Invalid or expired session token");
                return;
            }
            if (http.injectedFault(exchange)) {
                return;
            }
            route(exchange, method, path);
        }
    }

    private void route(HttpExchange exchange, String method, String path) throws IOException {
        Matcher invoices = BATCH_INVOICES.matcher(path);
        Matcher one = ONE_BATCH.matcher(path);
        if (path.equals("/api/v1/invoice_batches") && method.equals("GET")) {
            batchListRequests.incrementAndGet();
            listBatches(exchange);
        } else if (path.equals("/api/v1/invoice_batches") && method.equals("POST")) {
            createBatch(exchange);
        } else if (invoices.matches() && method.equals("GET")) {
            listInvoices(exchange, Long.parseLong(invoices.group(1)));
        } else if (one.matches() && method.equals("GET")) {
            Map<String, Object> batch = batch(Long.parseLong(one.group(1)));
            if (batch == null) {
                error(exchange, 404, "not_found", "Invoice batch not found");
            } else {
                SandboxHttp.json(exchange, 200, Map.of("data", batch));
            }
        } else {
            error(exchange, 404, "not_found", "No route matches " + method + " " + path);
        }
    }

    private void createSession(HttpExchange exchange) throws IOException {
        sessionCalls.incrementAndGet();
        String key = null;
        try {
            key = SandboxHttp.JSON.readTree(SandboxHttp.body(exchange)).path("api_key").asText(null);
        } catch (IOException ignored) {
            // a body that is not JSON has no api_key
        }
        if (key == null || key.isEmpty()) {
            error(exchange, 400, "bad_request", "api_key is required");
            return;
        }
        if (!key.equals(settings.yofacturoApiKey)) {
            error(exchange, 401, "unauthorized", "Invalid API key");
            return;
        }
        String token = "sbx_session_" + UUID.randomUUID().toString().replace("-", "");
        Instant expiresAt = clock.instant().plus(settings.sessionLifetime).truncatedTo(ChronoUnit.SECONDS);
        sessions.put(token, expiresAt);
        SandboxHttp.json(exchange, 201, Map.of("session_token", token, "expires_at", expiresAt.toString()));
    }

    private void listBatches(HttpExchange exchange) throws IOException {
        Paging paging = Paging.of(exchange);
        if (paging == null) {
            error(exchange, 400, "bad_request", "page must be >= 1 and per_page between 1 and 100");
            return;
        }
        long total = (long) batchCount + created.size();
        List<Map<String, Object>> data = new ArrayList<>();
        for (long id = paging.first(); id <= Math.min(total, paging.last()); id++) {
            data.add(batch(id));
        }
        SandboxHttp.json(exchange, 200, paging.envelope(data, total));
    }

    private void listInvoices(HttpExchange exchange, long batchId) throws IOException {
        Map<String, Object> batch = batch(batchId);
        if (batch == null) {
            error(exchange, 404, "not_found", "Invoice batch not found");
            return;
        }
        Paging paging = Paging.of(exchange);
        if (paging == null) {
            error(exchange, 400, "bad_request", "page must be >= 1 and per_page between 1 and 100");
            return;
        }
        int count = (Integer) batch.get("invoices_count");
        List<Map<String, Object>> data = new ArrayList<>();
        for (long k = paging.first(); k <= Math.min(count, paging.last()); k++) {
            data.add(invoice(batchId, (int) k));
        }
        SandboxHttp.json(exchange, 200, paging.envelope(data, count));
    }

    private void createBatch(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (key == null || key.isBlank()) {
            error(exchange, 400, "bad_request", "Idempotency-Key header is required");
            return;
        }
        Answer answer = idempotencyReplies.computeIfAbsent(key, k -> newBatch(exchange));
        SandboxHttp.json(exchange, answer.status(), answer.body());
    }

    private Answer newBatch(HttpExchange exchange) {
        JsonNode request;
        try {
            request = SandboxHttp.JSON.readTree(SandboxHttp.body(exchange)).path("invoice_batch");
        } catch (IOException e) {
            return new Answer(400, SandboxHttp.error("bad_request", "body is not JSON"));
        }
        String external = request.path("external_batch_id").asText("");
        if (request.isMissingNode() || external.isEmpty()) {
            return new Answer(422,
                    SandboxHttp.error("unprocessable_entity", "invoice_batch.external_batch_id is required"));
        }
        Map<String, List<String>> errors = new LinkedHashMap<>();
        int accepted = 0;
        int index = 0;
        for (JsonNode invoice : request.path("invoices")) {
            String id = invoice.path("external_invoice_id").asText("");
            List<String> problems = new ArrayList<>();
            if (id.isEmpty()) {
                problems.add("external_invoice_id is required");
            }
            if (invoice.path("issuer_nif").asText("").isEmpty()) {
                problems.add("issuer_nif is required");
            }
            if (problems.isEmpty()) {
                accepted++;
            } else {
                errors.put(id.isEmpty() ? String.valueOf(index) : id, problems);
            }
            index++;
        }
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("id", (long) batchCount + created.size() + 1);
        batch.put("external_batch_id", external);
        batch.put("status", "received");
        batch.put("invoices_count", accepted);
        batch.put("received_at", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        batch.put("processed_at", null);
        created.add(batch);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", batch);
        if (!errors.isEmpty()) {
            body.put("errors", errors);
        }
        return new Answer(201, body);
    }

    // ---- generated data ----------------------------------------------------------------------------------------------

    private Map<String, Object> batch(long id) {
        if (id < 1) {
            return null;
        }
        if (id > batchCount) {
            int index = (int) (id - batchCount - 1);
            return index < created.size() ? created.get(index) : null;
        }
        int version = versions.getOrDefault(id, 0);
        boolean processed = version > 0 || id % 3 == 0;
        Instant received = EPOCH.plus(id, ChronoUnit.MINUTES);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("id", id);
        b.put("external_batch_id", String.format("ext-%06d", id));
        b.put("status", processed ? "processed" : "received");
        b.put("invoices_count", invoicesIn(id));
        b.put("received_at", received.toString());
        b.put("processed_at", processed ? received.plus(1, ChronoUnit.HOURS).plusSeconds(version).toString() : null);
        return b;
    }

    private int invoicesIn(long batchId) {
        return settings.invoicesPerBatch != null ? settings.invoicesPerBatch : (int) (batchId % 3) + 1;
    }

    private Map<String, Object> invoice(long batchId, int k) {
        long id = batchId * 10 + k;
        // the first invoice of every 25th batch, and those rejected later
        boolean failed = k == 1 && batchId % 25 == 0 || rejectedInvoices.contains(id);
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("id", id);
        i.put("external_invoice_id", String.format("inv-%06d-%d", batchId, k));
        i.put("invoice_number", String.format("F2026-%07d", id));
        i.put("total_after_taxes", String.format("%d.%02d", 100 + id % 900, id % 100));
        i.put("processing_status", failed ? "failed" : "processed");
        i.put("processing_error", failed ? "recipient_document_number is not a valid NIF" : null);
        i.put("issued_invoice_id", failed ? null : 500000 + id);
        i.put("verifactu_state", failed ? "rejected" : "remission");
        return i;
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        SandboxHttp.json(exchange, status, SandboxHttp.error(code, message));
    }

    /** page (from 1) and per_page (1..100, default 25), as YoFacturo documents them. */
    private record Paging(int page, int perPage) {

        static Paging of(HttpExchange exchange) {
            Map<String, String> q = SandboxHttp.query(exchange);
            try {
                int page = Integer.parseInt(q.getOrDefault("page", "1"));
                int perPage = Integer.parseInt(q.getOrDefault("per_page", "25"));
                return page < 1 || perPage < 1 || perPage > 100 ? null : new Paging(page, perPage);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        long first() {
            return (long) (page - 1) * perPage + 1;
        }

        long last() {
            return (long) page * perPage;
        }

        /** An empty list has one (empty) page. */
        Map<String, Object> envelope(List<Map<String, Object>> data, long total) {
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("current_page", page);
            meta.put("total_pages", Math.max(1, (total + perPage - 1) / perPage));
            meta.put("total_count", total);
            meta.put("per_page", perPage);
            Map<String, Object> envelope = new LinkedHashMap<>();
            envelope.put("data", data);
            envelope.put("meta", meta);
            return envelope;
        }
    }
}
