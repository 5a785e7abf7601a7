package org.yofacturoyampi.routes.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/** YoFacturo as WireMock: sessions, Bearer checks with the documented 401 bodies, paged batch and invoice lists. */
public final class YoFacturoStub implements AutoCloseable {

    public static final String API_KEY = "org_test_FAKE_KEY_0000";
    public static final String TOKEN = "sess_FAKE_TOKEN_1111";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    public YoFacturoStub() {
        server.start();
        server.stubFor(post("/api/v1/auth/sessions").atPriority(10).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"unauthorized\",\"message\":\"Invalid API key\"}}")));
        server.stubFor(get(urlPathMatching("/api/v1/.*")).atPriority(10).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"unauthorized\",\"message\":\"Invalid or expired session token\"}}")));
        // a batch with no invoices stubbed has none
        server.stubFor(get(urlPathMatching("/api/v1/invoice_batches/[0-9]+/batch_invoices")).atPriority(5)
                .withHeader("Authorization", matching("Bearer .+"))
                .willReturn(json(200, Map.of("data", List.of(), "meta",
                        Map.of("current_page", 1, "total_pages", 1, "total_count", 0, "per_page", 100)))));
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public WireMockServer server() {
        return server;
    }

    /** The sessions call accepts {@link #API_KEY} and answers {@code token}, valid until {@code expiresAt}. */
    public YoFacturoStub issuesSession(String token, Instant expiresAt) {
        server.stubFor(post("/api/v1/auth/sessions").atPriority(1)
                .withRequestBody(equalToJson("{\"api_key\":\"" + API_KEY + "\"}"))
                .willReturn(json(200, Map.of("session_token", token,
                        "expires_at", expiresAt.truncatedTo(ChronoUnit.SECONDS).toString()))));
        return this;
    }

    public YoFacturoStub issuesSession() {
        return issuesSession(TOKEN, Instant.now().plus(24, ChronoUnit.HOURS));
    }

    /** The batch list, split into pages of {@code perPage}, each page only for the Bearer {@code token}. */
    public YoFacturoStub listsBatches(List<Map<String, Object>> batches, int perPage, String token) {
        stubPaged("/api/v1/invoice_batches", batches, perPage, token);
        return this;
    }

    public YoFacturoStub listsBatches(List<Map<String, Object>> batches) {
        return listsBatches(batches, 100, TOKEN);
    }

    public YoFacturoStub listsInvoices(Object batchId, List<Map<String, Object>> invoices) {
        stubPaged("/api/v1/invoice_batches/" + batchId + "/batch_invoices", invoices, 100, TOKEN);
        return this;
    }

    private void stubPaged(String path, List<Map<String, Object>> records, int perPage, String token) {
        int totalPages = Math.max(1, (records.size() + perPage - 1) / perPage);
        for (int page = 1; page <= totalPages; page++) {
            List<Map<String, Object>> slice = records.subList(Math.min(records.size(), (page - 1) * perPage),
                    Math.min(records.size(), page * perPage));
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("current_page", page);
            meta.put("total_pages", totalPages);
            meta.put("total_count", records.size());
            meta.put("per_page", perPage);
            server.stubFor(get(urlPathEqualTo(path)).atPriority(1)
                    .withQueryParam("page", equalTo(String.valueOf(page)))
                    .withHeader("Authorization", equalTo("Bearer " + token))
                    .willReturn(json(200, Map.of("data", slice, "meta", meta))));
        }
    }

    public int sessionCalls() {
        return server.findAll(postRequestedFor(urlPathEqualTo("/api/v1/auth/sessions"))).size();
    }

    public int dataCalls() {
        return server.findAll(getRequestedFor(urlPathMatching("/api/v1/.*"))).size();
    }

    public static Map<String, Object> batch(int id, String status) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("id", id);
        b.put("external_batch_id", "ext-" + id);
        b.put("status", status);
        b.put("invoices_count", 1);
        b.put("received_at", "2026-03-27T10:30:00Z");
        b.put("processed_at", null);
        return b;
    }

    public static List<Map<String, Object>> batches(int count) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            list.add(batch(i, "received"));
        }
        return list;
    }

    public static Map<String, Object> invoice(int id) {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("id", id);
        i.put("external_invoice_id", "inv-" + id);
        i.put("invoice_number", "F2026-" + id);
        i.put("total_after_taxes", "121.00");
        i.put("processing_status", "processed");
        i.put("processing_error", null);
        i.put("issued_invoice_id", 9000 + id);
        i.put("verifactu_state", "remission");
        return i;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, Object body) {
        try {
            return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                    .withBody(JSON.writeValueAsString(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
