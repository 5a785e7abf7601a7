package org.yofacturoyampi.routes.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SchedulePolls;
import org.yofacturoyampi.routes.support.AppContextPerTest;
import org.yofacturoyampi.routes.support.SharedAppContext;

/**
 * The alerts on failed invoices, on Camel's test kit: each nested class is one configuration of the real app
 * ({@link CamelMainTest}, polling the sandbox's YoFacturo every second), and its tests share that one context. The
 * sandbox lists 50 batches: the first invoice of batches 25 and 50 failed (processing_error, status failed, verifactu
 * rejected). "More polls ran" is counted with a {@link NotifyBuilder} on the schedule's route. The kit reads its
 * annotation on the outermost class; each nested class brings its own {@code @Configure}, folder and sandbox.
 */
@CamelMainTest
class InvoiceAlertsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEDULE = "yofacturo-invoice-batches-schedule";

    private static void app(MainConfigurationProperties main, Path work, Sandbox sandbox, SandboxSettings settings,
            Map<String, String> properties) {
        RunningApp.Builder app = RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                .property("yofacturo.poll-cron", RunningApp.EVERY_SECOND);
        properties.forEach(app::property);
        app.configure(main);
    }

    /** Waits until {@code polls} whole polls have run after this call (the one under way, if any, not counted). */
    private static void awaitPolls(CamelContext context, int polls) {
        NotifyBuilder more = SchedulePolls.completed(context, SCHEDULE, polls + 1);
        assertThat(more.matches(20, TimeUnit.SECONDS)).as(polls + " more polls completed").isTrue();
    }

    private static List<JsonNode> alerts(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> {
                try {
                    return JSON.readTree(f.toFile());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    @Nested
    class ByDefault extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().batchCount(50).build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppOnTheSandbox(MainConfigurationProperties main) {
            app(main, work, sandbox, settings, Map.of());
        }

        @Test
        void failedInvoicesAlsoReachTheAlertsOnceEachWithWhatToActOn() throws Exception {
            Path alerts = work.resolve("out/alerts");
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(alerts) == 2);

            // when two more polls run
            awaitPolls(context, 2);

            // then still one alert per failed invoice, each naming batch, invoice and reasons, with the invoice
            List<JsonNode> found = alerts(alerts);
            assertThat(found).hasSize(2);
            assertThat(found).extracting(a -> a.get("invoice_batch_id").asText()).containsExactlyInAnyOrder("25", "50");
            JsonNode alert = found.stream().filter(a -> a.get("invoice_batch_id").asText().equals("25")).findFirst().orElseThrow();
            assertThat(alert.get("batch_invoice_id").asLong()).isEqualTo(251);
            assertThat(alert.get("external_invoice_id").asText()).isEqualTo("inv-000025-1");
            assertThat(alert.get("reasons").toString()).contains("processing_error: recipient_document_number is not a valid NIF",
                    "processing_status: failed", "verifactu_state: rejected");
            assertThat(alert.get("invoice").get("invoice_number").asText()).isEqualTo(alert.get("invoice_number").asText());
            // and the invoices themselves were delivered as usual
            assertThat(work.resolve("out/yofacturo/batch-invoices/25/251.json")).exists();
        }

        @Test
        void theInvoicesOfAnUnchangedBatchAreNotAskedForAgain() throws Exception {
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(work.resolve("out/alerts")) == 2);
            // given VeriFactu rejects an invoice of batch 7 after it was delivered; the batch itself does not change
            sandbox.yofacturo().rejectInvoice(7, 1);

            // when two more polls run
            awaitPolls(context, 2);

            // then they asked for the batch list only: the invoice change is not seen, as README says
            assertThat(sandbox.yofacturo().recordedRequests().stream()
                    .filter(r -> r.path().endsWith("/7/batch_invoices"))).hasSize(1);
            assertThat(JsonFiles.in(work.resolve("out/alerts"))).isEqualTo(2);
        }
    }

    @Nested
    class WithAnHttpDownstream extends AppContextPerTest {

        private final SandboxSettings settings = SandboxSettings.builder().batchCount(50).build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));
        private final AtomicInteger posts = new AtomicInteger();
        private HttpServer downstream;

        @Configure
        void theAppPostingInvoicesToAServerThatAnswersPlainText(MainConfigurationProperties main) throws IOException {
            // given invoices go to an HTTP downstream that answers every POST with plain text
            downstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            downstream.createContext("/invoices", exchange -> {
                exchange.getRequestBody().readAllBytes();
                posts.incrementAndGet();
                byte[] reply = "OK, thanks".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.getResponseHeaders().set("X-Downstream", "reply-header");
                exchange.sendResponseHeaders(200, reply.length);
                exchange.getResponseBody().write(reply);
                exchange.close();
            });
            downstream.start();
            upstream(() -> downstream.stop(0));
            String to = "http://127.0.0.1:" + downstream.getAddress().getPort() + "/invoices";
            app(main, work, sandbox, settings, Map.of("yofacturo.batch-invoices-to", to));
        }

        @Test
        void itsReplyNeitherHidesAnAlertNorCausesARedelivery() throws Exception {
            // when the first poll delivered every invoice (batch id has id % 3 + 1), and two more polls ran
            int invoices = IntStream.rangeClosed(1, 50).map(id -> id % 3 + 1).sum();
            await().atMost(Duration.ofSeconds(20)).until(() -> posts.get() >= invoices);
            awaitPolls(context, 2);

            // then each invoice was posted once, and both failed invoices still reached the alerts, with the invoice
            assertThat(posts.get()).isEqualTo(invoices);
            Path alerts = work.resolve("out/alerts");
            assertThat(JsonFiles.in(alerts)).isEqualTo(2);
            for (JsonNode alert : alerts(alerts)) {
                assertThat(alert.get("invoice").get("id").asLong()).isEqualTo(alert.get("batch_invoice_id").asLong());
            }
        }
    }

    @Nested
    class WithRecheck extends AppContextPerTest {

        private final SandboxSettings settings = SandboxSettings.builder().batchCount(50).build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));

        @Configure
        void theAppRecheckingTheInvoicesOfUnchangedBatches(MainConfigurationProperties main) {
            app(main, work, sandbox, settings, Map.of("yofacturo.recheck-invoices-of-unchanged-batches", "true"));
        }

        @Test
        void anInvoiceThatChangesInAnUnchangedBatchIsDeliveredAndAlerted() throws Exception {
            Path invoice = work.resolve("out/yofacturo/batch-invoices/7/71.json");
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(work.resolve("out/alerts")) == 2);
            assertThat(JSON.readTree(invoice.toFile()).get("verifactu_state").asText()).isEqualTo("remission");
            Path batch = work.resolve("out/yofacturo/invoice-batches/7.json");
            FileTime batchWritten = Files.getLastModifiedTime(batch);

            // given VeriFactu rejects an invoice of batch 7 after it was delivered; the batch itself does not change
            sandbox.yofacturo().rejectInvoice(7, 1);

            // then a later poll delivers the changed invoice and alerts on it
            await().atMost(Duration.ofSeconds(20)).until(() -> JsonFiles.in(work.resolve("out/alerts")) == 3);
            assertThat(JSON.readTree(invoice.toFile()).get("verifactu_state").asText()).isEqualTo("rejected");
            // and the unchanged batch was not delivered again
            assertThat(Files.getLastModifiedTime(batch)).isEqualTo(batchWritten);
        }
    }
}
