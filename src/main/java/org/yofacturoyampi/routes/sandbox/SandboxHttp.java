package org.yofacturoyampi.routes.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/** What both simulated APIs share: JSON answers, query parsing, request recording and injected faults. */
final class SandboxHttp {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDED_MAX = 10_000;

    private final Deque<RecordedRequest> recorded = new ArrayDeque<>();
    private final AtomicInteger rateLimitNext = new AtomicInteger();
    private volatile Integer retryAfterSeconds;
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile int failStatus = 500;
    private final AtomicInteger garbageNext = new AtomicInteger();
    private final Object rateLimitBody;

    /** @param rateLimitBody the 429's body: JSON, or a String sent as {@code text/plain} (Yampi's upstream) */
    SandboxHttp(Object rateLimitBody) {
        this.rateLimitBody = rateLimitBody;
    }

    void record(HttpExchange exchange) {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        RecordedRequest r = new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getRawQuery(), Map.copyOf(headers));
        synchronized (recorded) {
            recorded.addLast(r);
            if (recorded.size() > RECORDED_MAX) {
                recorded.removeFirst();
            }
        }
    }

    List<RecordedRequest> recorded() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    void rateLimitNext(int n, Integer retryAfter) {
        retryAfterSeconds = retryAfter;
        rateLimitNext.set(n);
    }

    void failNext(int n, int status) {
        failStatus = status;
        failNext.set(n);
    }

    void garbageNext(int n) {
        garbageNext.set(n);
    }

    /** Answers an injected fault if one is pending; returns whether it did. */
    boolean injectedFault(HttpExchange exchange) throws IOException {
        if (takeOne(rateLimitNext)) {
            Integer after = retryAfterSeconds;
            if (after != null) {
                exchange.getResponseHeaders().set("Retry-After", String.valueOf(after));
            }
            if (rateLimitBody instanceof String text) {
                plain(exchange, 429, text);
            } else {
                json(exchange, 429, rateLimitBody);
            }
            return true;
        }
        if (takeOne(failNext)) {
            json(exchange, failStatus, error("server_error", "simulated failure"));
            return true;
        }
        if (takeOne(garbageNext)) {
            byte[] body = "<html><body>502 Bad Gateway (simulated proxy)</body></html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            return true;
        }
        return false;
    }

    private static boolean takeOne(AtomicInteger counter) {
        return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    static void json(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void plain(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** YoFacturo's error body, fields in the documented order. */
    static Map<String, Object> error(String code, String message) {
        Map<String, Object> inner = new java.util.LinkedHashMap<>();
        inner.put("code", code);
        inner.put("message", message);
        return Map.of("error", inner);
    }

    static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> params = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
        return params;
    }

    static byte[] body(HttpExchange exchange) throws IOException {
        return exchange.getRequestBody().readAllBytes();
    }
}
