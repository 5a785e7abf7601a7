package org.yofacturoyampi.routes.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.apache.camel.CamelContext;

/**
 * Calls on the embedded HTTP server of a running application ({@code server.host}/{@code server.port} of its
 * context), for a test on the kit ({@code AppHttp.of(context)}) as for one on {@link RunningApp}.
 */
public final class AppHttp {

    private final CamelContext context;

    private AppHttp(CamelContext context) {
        this.context = context;
    }

    public static AppHttp of(CamelContext context) {
        return new AppHttp(context);
    }

    /** The port of the embedded HTTP server. */
    public int port() {
        return Integer.parseInt(context.resolvePropertyPlaceholders("{{server.port}}"));
    }

    /** A GET on the embedded HTTP server, e.g. {@code /observe/health/ready}. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url(path))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A POST of JSON on the embedded HTTP server. */
    public HttpResponse<String> postJson(String path, String body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A POST of a sync trigger, then GETs of the report it names (Location) until the run is done, for at most 60 s:
     * the last answer (200 and the report once done). A refused trigger's answer is returned as it came.
     */
    public HttpResponse<String> syncOverHttp(String trigger) throws IOException, InterruptedException {
        HttpResponse<String> accepted = postJson("/sync", trigger);
        if (accepted.statusCode() != 202) {
            return accepted;
        }
        String location = accepted.headers().firstValue("Location").orElseThrow();
        long until = System.nanoTime() + 60_000_000_000L;
        HttpResponse<String> report = get(location);
        while (report.statusCode() == 202 && System.nanoTime() < until) {
            Thread.sleep(100);
            report = get(location);
        }
        return report;
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }
}
