package org.yofacturoyampi.routes.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The baseline: the same walk as the routes, written by hand with the JDK's HttpClient and Jackson, no Camel, one
 * request at a time, as a hand-written loop would be. One sessions call, then invoice batches with
 * {@code per_page=100} until {@code current_page == total_pages}, the invoices of every batch the same way, and the
 * contacts of one Yampi account until {@code meta.count} is reached. Every record is parsed and counted; no state.
 * With an output folder (the files baseline) every record is also written where the routes' default file sinks put
 * it, the same way: its JSON to a temporary name ({@code .inprogress-<name>}) in the same folder, then renamed.
 */
final class BareHttpClientSync {

    private static final String TEMP_PREFIX = ".inprogress-";

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final ObjectMapper json = new ObjectMapper();
    private final String baseUrl;
    /** Where the records are written (the routes' OUTPUT_DIR), or null to count them only. */
    private final Path out;

    BareHttpClientSync(String baseUrl) {
        this(baseUrl, null);
    }

    BareHttpClientSync(String baseUrl, Path out) {
        this.baseUrl = baseUrl;
        this.out = out;
    }

    /** Invoice batches and their invoices; returns the records counted. */
    long invoiceBatches(String apiKey) throws IOException, InterruptedException {
        String bearer = session(apiKey);
        long records = 0;
        for (int page = 1; ; page++) {
            JsonNode answer = yofacturoPage("/api/v1/invoice_batches", page, bearer);
            for (JsonNode batch : answer.path("data")) {
                records++;
                write(batch, "yofacturo/invoice-batches");
                records += invoicesOf(batch.path("id").asLong(), bearer);
            }
            if (answer.path("meta").path("current_page").asInt() >= answer.path("meta").path("total_pages").asInt()) {
                return records;
            }
        }
    }

    /** One sessions call: the Authorization header's value. */
    String session(String apiKey) throws IOException, InterruptedException {
        HttpRequest session = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/auth/sessions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(
                        json.createObjectNode().put("api_key", apiKey))))
                .build();
        return "Bearer " + get(session).path("session_token").asText();
    }

    /** One page of a YoFacturo list, 100 a page. */
    JsonNode yofacturoPage(String path, int page, String bearer) throws IOException, InterruptedException {
        return get(pageRequest(path, page, bearer));
    }

    private long invoicesOf(long batchId, String bearer) throws IOException, InterruptedException {
        long records = 0;
        for (int page = 1; ; page++) {
            JsonNode answer = yofacturoPage("/api/v1/invoice_batches/" + batchId + "/batch_invoices", page, bearer);
            for (JsonNode invoice : answer.path("data")) {
                records++;
                write(invoice, "yofacturo/batch-invoices/" + batchId);
            }
            if (answer.path("meta").path("current_page").asInt() >= answer.path("meta").path("total_pages").asInt()) {
                return records;
            }
        }
    }

    private HttpRequest pageRequest(String path, int page, String bearer) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path + "?page=" + page + "&per_page=100"))
                .header("Authorization", bearer)
                .header("Accept", "application/json")
                .build();
    }

    /** The contacts of one Yampi account, 15 a page; returns the records counted. */
    long contacts(String token, long accountId) throws IOException, InterruptedException {
        long records = 0;
        for (int page = 1; ; page++) {
            JsonNode answer = contactsPage(token, accountId, page);
            int onPage = answer.path("payload").size();
            records += onPage;
            for (JsonNode contact : answer.path("payload")) {
                write(contact, "yampi/" + accountId + "/contacts");
            }
            if (onPage == 0 || records >= answer.path("meta").path("count").asLong()) {
                return records;
            }
        }
    }

    /** The files baseline: the record's JSON to {@code out/<folder>/<id>.json}, through a temporary name. */
    private void write(JsonNode record, String folder) throws IOException {
        if (out == null) {
            return;
        }
        Path dir = Files.createDirectories(out.resolve(folder));
        String name = record.path("id").asText() + ".json";
        Path temp = dir.resolve(TEMP_PREFIX + name);
        Files.write(temp, json.writeValueAsBytes(record));
        Files.move(temp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /** One page of a Yampi account's contacts (15 a page). */
    JsonNode contactsPage(String token, long accountId, int page) throws IOException, InterruptedException {
        return get(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/accounts/" + accountId + "/contacts?page=" + page))
                .header("api_access_token", token)
                .header("Accept", "application/json")
                .build());
    }

    private JsonNode get(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(request.uri().getPath() + " answered " + response.statusCode());
        }
        return json.readTree(response.body());
    }
}
