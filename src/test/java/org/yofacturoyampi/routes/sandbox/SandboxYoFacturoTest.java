package org.yofacturoyampi.routes.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SandboxYoFacturoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private Sandbox sandbox;

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private Sandbox start(SandboxSettings.Builder settings) {
        sandbox = Sandbox.start(settings.build());
        return sandbox;
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path)).GET();
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String session() throws Exception {
        HttpResponse<String> r = post("/api/v1/auth/sessions", "{\"api_key\":\"org_test_sandbox_key_not_a_secret\"}");
        assertThat(r.statusCode()).isEqualTo(201);
        return JSON.readTree(r.body()).get("session_token").asText();
    }

    @Test
    void issuesAFlatSessionAndAnswersTheDocumented400And401() throws Exception {
        start(SandboxSettings.builder());
        JsonNode session = JSON.readTree(post("/api/v1/auth/sessions",
                "{\"api_key\":\"org_test_sandbox_key_not_a_secret\"}").body());
        assertThat(session.has("session_token")).isTrue();
        assertThat(session.get("expires_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

        HttpResponse<String> empty = post("/api/v1/auth/sessions", "{\"api_key\":\"\"}");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(empty.body()).at("/error/code").asText()).isEqualTo("bad_request");
        HttpResponse<String> wrong = post("/api/v1/auth/sessions", "{\"api_key\":\"org_live_wrong\"}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).at("/error/message").asText()).isEqualTo("Invalid API key");
        assertThat(sandbox.yofacturo().sessionCalls()).isEqualTo(3);
    }

    @Test
    void checksTheBearerWithTheDocumentedBodies() throws Exception {
        start(SandboxSettings.builder());
        HttpResponse<String> missing = get("/api/v1/invoice_batches", null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.body()).isEqualTo(
                "{\"error\":{\"code\":\"unauthorized\",\"message\":\"Missing Authorization header\"}}");
        HttpResponse<String> bad = get("/api/v1/invoice_batches", "sess_FAKE_unknown");
        assertThat(bad.body()).contains("Invalid or expired session token");
        assertThat(get("/api/v1/invoice_batches", session()).statusCode()).isEqualTo(200);
    }

    @Test
    void pagesWithMetaAndRefusesPerPageOutside1To100() throws Exception {
        start(SandboxSettings.builder().batchCount(250));
        String token = session();
        JsonNode page3 = JSON.readTree(get("/api/v1/invoice_batches?page=3&per_page=100", token).body());
        assertThat(page3.get("data")).hasSize(50);
        assertThat(page3.at("/meta/current_page").asInt()).isEqualTo(3);
        assertThat(page3.at("/meta/total_pages").asInt()).isEqualTo(3);
        assertThat(page3.at("/meta/total_count").asInt()).isEqualTo(250);
        assertThat(JSON.readTree(get("/api/v1/invoice_batches", token).body()).get("data")).hasSize(25);
        assertThat(get("/api/v1/invoice_batches?per_page=0", token).statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/invoice_batches?per_page=101", token).statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/invoice_batches?page=0", token).statusCode()).isEqualTo(400);
    }

    @Test
    void listsTheInvoicesOfABatchWithDecimalsAsStrings() throws Exception {
        start(SandboxSettings.builder().invoicesPerBatch(3));
        JsonNode invoices = JSON.readTree(get("/api/v1/invoice_batches/5/batch_invoices?per_page=100", session()).body());
        assertThat(invoices.get("data")).hasSize(3);
        assertThat(invoices.at("/data/0/total_after_taxes").isTextual()).isTrue();
        assertThat(get("/api/v1/invoice_batches/9999/batch_invoices", session()).statusCode()).isEqualTo(404);
    }

    @Test
    void aSessionExpiresAfterItsLifetime() throws Exception {
        // 3 s, not 1: the expiry is kept in whole seconds, so a 1 s session could be over before its first use
        start(SandboxSettings.builder().sessionLifetime(Duration.ofSeconds(3)));
        String token = session();
        assertThat(get("/api/v1/invoice_batches", token).statusCode()).isEqualTo(200);
        Thread.sleep(3500);
        assertThat(get("/api/v1/invoice_batches", token).body()).contains("Invalid or expired session token");
    }

    @Test
    void aChangedBatchHasDifferentJson() throws Exception {
        start(SandboxSettings.builder());
        String token = session();
        String before = JSON.readTree(get("/api/v1/invoice_batches/4", token).body()).toString();
        sandbox.yofacturo().changeBatch(4);
        assertThat(JSON.readTree(get("/api/v1/invoice_batches/4", token).body()).toString()).isNotEqualTo(before);
    }

    @Test
    void rateLimitsOnDemandWithAndWithoutRetryAfter() throws Exception {
        start(SandboxSettings.builder());
        String token = session();
        sandbox.yofacturo().rateLimitNext(1, 3);
        HttpResponse<String> limited = get("/api/v1/invoice_batches", token);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("3");
        sandbox.yofacturo().rateLimitNext(1, null);
        assertThat(get("/api/v1/invoice_batches", token).headers().firstValue("Retry-After")).isEmpty();
        assertThat(get("/api/v1/invoice_batches", token).statusCode()).isEqualTo(200);
    }

    @Test
    void replayingAnIdempotencyKeyReturnsTheCachedAnswerAndCreatesOnce() throws Exception {
        start(SandboxSettings.builder());
        String token = session();
        String key = UUID.randomUUID().toString();
        String body = "{\"invoice_batch\":{\"external_batch_id\":\"erp-1\",\"invoices\":["
                + "{\"external_invoice_id\":\"a\",\"issuer_nif\":\"B12345678\"},{\"external_invoice_id\":\"b\"}]}}";
        HttpResponse<String> first = post("/api/v1/invoice_batches", body, "Authorization", "Bearer " + token,
                "Idempotency-Key", key);
        HttpResponse<String> replay = post("/api/v1/invoice_batches", body, "Authorization", "Bearer " + token,
                "Idempotency-Key", key);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(replay.body()).isEqualTo(first.body());
        assertThat(JSON.readTree(first.body()).at("/errors/b/0").asText()).contains("issuer_nif");
        assertThat(sandbox.yofacturo().createdBatches()).isEqualTo(1);
        assertThat(post("/api/v1/invoice_batches", "{}", "Authorization", "Bearer " + token,
                "Idempotency-Key", UUID.randomUUID().toString()).statusCode()).isEqualTo(422);
    }

    @Test
    void aHundredThousandBatchesCostNothingUntilAsked() throws Exception {
        start(SandboxSettings.builder().batchCount(100_000));
        JsonNode last = JSON.readTree(get("/api/v1/invoice_batches?page=1000&per_page=100", session()).body());
        assertThat(last.get("data")).hasSize(100);
        assertThat(last.at("/data/99/id").asLong()).isEqualTo(100_000);
        assertThat(last.at("/meta/total_pages").asInt()).isEqualTo(1000);
    }
}
