package org.yofacturoyampi.routes.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.builder.RouteBuilder;
import org.apache.logging.log4j.Level;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.delivery.DeliveryStateRepository;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.KafkaBroker;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;

/** Feeds whose ..._TO is a kafka: URI, against a real broker started in-process (one for the class, a topic per test). */
@Tag("kafka")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaSinkIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ = Duration.ofSeconds(30);

    private KafkaBroker broker;
    private Sandbox sandbox;

    @BeforeAll
    void startBroker(@TempDir Path brokerDir) {
        broker = KafkaBroker.start(brokerDir);
    }

    @AfterAll
    void stopBroker() {
        broker.close();
    }

    @AfterEach
    void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private String kafka(String topic) {
        return "kafka:" + topic + "?brokers=" + broker.bootstrapServers();
    }

    @Test
    void aFullSyncPutsEachRecordInItsTopicOnceKeyedByItsIdWithTheFileSinksHeaders(@TempDir Path work) throws Exception {
        // given 12 batches of 2 invoices, 40 Yampi contacts, and a topic per feed
        SandboxSettings settings = SandboxSettings.builder().batchCount(12).invoicesPerBatch(2).build();
        sandbox = Sandbox.start(settings);
        String batches = KafkaBroker.topic("batches");
        String invoices = KafkaBroker.topic("invoices");
        String contacts = KafkaBroker.topic("contacts");
        broker.createTopics(batches, invoices, contacts);

        // when both feeds run once
        try (RunningApp app = RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                .yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1")
                .property("yampi.poll-cron", RunningApp.NEVER).property("yampi.resources", "contacts")
                .property("yofacturo.invoice-batches-to", kafka(batches))
                .property("yofacturo.batch-invoices-to", kafka(invoices))
                .property("yampi.to", kafka(contacts)).start()) {
            assertThat(app.syncOverHttp("{\"feed\": \"yofacturo-invoice-batches\"}").statusCode()).isEqualTo(200);
            assertThat(app.syncOverHttp("{\"feed\": \"yampi-contacts\"}").statusCode()).isEqualTo(200);
        }

        // then each record is one message: key its id, value its JSON, headers those of the file sink, nothing else
        List<ConsumerRecord<String, String>> batchMessages = broker.read(batches, 12, READ);
        assertThat(batchMessages).hasSize(12);
        for (ConsumerRecord<String, String> m : batchMessages) {
            assertThat(m.key()).isEqualTo(JSON.readTree(m.value()).get("id").asText());
            assertThat(headers(m)).containsOnlyKeys("YoFacturoInvoiceBatchId", "YoFacturoInvoiceBatchName",
                    "YoFacturoTenant", "YoFacturoOutputPath").containsEntry("YoFacturoInvoiceBatchName", m.key())
                    .containsEntry("YoFacturoTenant", "default").containsEntry("YoFacturoOutputPath", "yofacturo");
        }
        assertThat(keys(batchMessages)).hasSize(12);

        List<ConsumerRecord<String, String>> invoiceMessages = broker.read(invoices, 24, READ);
        assertThat(invoiceMessages).hasSize(24);
        for (ConsumerRecord<String, String> m : invoiceMessages) {
            Map<String, String> h = headers(m);
            assertThat(m.key()).isEqualTo(h.get("YoFacturoInvoiceBatchName") + "/" + h.get("YoFacturoBatchInvoiceName"))
                    .endsWith("/" + JSON.readTree(m.value()).get("id").asText());
            assertThat(h).containsOnlyKeys("YoFacturoInvoiceBatchId", "YoFacturoBatchInvoiceId",
                    "YoFacturoInvoiceBatchName", "YoFacturoBatchInvoiceName", "YoFacturoTenant", "YoFacturoOutputPath");
        }
        assertThat(keys(invoiceMessages)).hasSize(24);

        List<ConsumerRecord<String, String>> contactMessages = broker.read(contacts, 40, READ);
        assertThat(contactMessages).hasSize(40);
        for (ConsumerRecord<String, String> m : contactMessages) {
            assertThat(m.key()).isEqualTo("contacts/1/" + JSON.readTree(m.value()).get("id").asText());
            assertThat(headers(m)).containsOnlyKeys("YampiAccountId", "YampiResource", "YampiRecordId",
                    "YampiRecordPath", "YampiTenant", "YampiOutputPath");
        }
        assertThat(keys(contactMessages)).hasSize(40);
    }

    @Test
    void aBrokerStoppedMidRunLeavesWhatItDidNotAcknowledgePendingAndAllArrivesOnceItIsBack(@TempDir Path work)
            throws Exception {
        // given 9 batches of one invoice, listed 3 per page, and a broker that stops as the 4th batch (the first of the
        // second page) is about to be sent
        SandboxSettings settings = SandboxSettings.builder().batchCount(9).invoicesPerBatch(1).build();
        sandbox = Sandbox.start(settings);
        String batches = KafkaBroker.topic("batches");
        String invoices = KafkaBroker.topic("invoices");
        String warmUp = KafkaBroker.topic("warm-up");
        broker.createTopics(batches, invoices, warmUp);
        // a broker that has served an idempotent producer once answers the app's first sends at once, so that the
        // first three batches are acknowledged well within the short timeouts below even on a loaded machine
        broker.send(warmUp, "warm-up");
        AtomicInteger sent = new AtomicInteger();

        // when the feed runs while the broker goes away
        List<String> warnings;
        try (LogCapture log = LogCapture.start();
                RunningApp app = brokerStoppingApp(work, settings, batches, invoices, sent)) {
            assertThat(app.syncOverHttp("{\"feed\": \"yofacturo-invoice-batches\"}").statusCode()).isEqualTo(200);
            warnings = log.linesAt(Level.WARN);
        }
        Set<String> markedDuringTheOutage = marked(work, "yofacturo-invoice-batches.state");

        // then the batches the broker did not acknowledge are said, and the run ended with their page: the third
        // page was not read, so its batches did not wait for the delivery timeout in turn
        assertThat(warnings.stream().filter(l -> l.contains("not delivered"))
                .map(l -> l.replaceAll(".*invoice batch (\\d+) not delivered.*", "$1"))).containsExactlyInAnyOrder("4", "5", "6");
        assertThat(warnings.stream().filter(l -> l.contains("cannot be reached"))).singleElement().asString()
                .contains("poll stopped at page 3", "the downstream kafka://" + batches);
        assertThat(sent).hasValue(6);

        // then only what the broker acknowledged is marked delivered: the first three batches
        broker.restart();
        Set<String> inTheTopic = keys(broker.read(batches, 3, READ));
        assertThat(markedDuringTheOutage).hasSize(3);
        assertThat(inTheTopic).containsAll(markedDuringTheOutage);

        // when the broker is back and the feed runs again
        try (RunningApp app = brokerStoppingApp(work, settings, batches, invoices, sent)) {
            assertThat(app.syncOverHttp("{\"feed\": \"yofacturo-invoice-batches\"}").statusCode()).isEqualTo(200);
        }

        // then every batch and invoice arrived, each once
        List<ConsumerRecord<String, String>> all = broker.read(batches, 9, READ);
        assertThat(all).hasSize(9);
        assertThat(keys(all)).hasSize(9).isEqualTo(marked(work, "yofacturo-invoice-batches.state"));
        assertThat(keys(broker.read(invoices, 9, READ))).hasSize(9);
    }

    private static Map<String, String> headers(ConsumerRecord<String, String> m) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : m.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static Set<String> keys(List<ConsumerRecord<String, String>> messages) {
        return messages.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }

    /** The app, its batches going to Kafka through a route that stops the broker as the 4th batch is about to go. */
    private RunningApp brokerStoppingApp(Path work, SandboxSettings settings, String batches, String invoices,
            AtomicInteger sent) throws Exception {
        RunningApp app = RunningApp.builder(work).yofacturo(sandbox.baseUrl(), settings.yofacturoApiKey())
                .property("yofacturo.invoice-batches-to", "direct:batches-to-kafka")
                .property("yofacturo.batch-invoices-to", kafka(invoices))
                // a page's batches go to Kafka side by side, and the next page is read once all are acknowledged: with
                // 3 per page the first page is acknowledged before the 4th batch stops the broker
                .property("yofacturo.per-page", "3")
                // a record the broker does not acknowledge fails after 4 s instead of 30
                .property("camel.component.kafka.delivery-timeout-ms", "4000")
                .property("camel.component.kafka.request-timeout-ms", "3000")
                .property("camel.component.kafka.max-block-ms", "4000").start();
        app.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // one at a time through here: the batches after the 4th go once the broker has stopped
                from("direct:batches-to-kafka").process(e -> {
                    synchronized (sent) {
                        if (sent.incrementAndGet() == 4) {
                            broker.stop();
                        }
                    }
                }).to(kafka(batches));
            }
        });
        return app;
    }

    /**
     * The batch ids (the sandbox numbers them from 1) that the delivery state, read after the app stopped, holds as
     * delivered.
     */
    private static Set<String> marked(Path work, String stateFile) throws Exception {
        DeliveryStateRepository state = new DeliveryStateRepository(work.resolve("state").resolve(stateFile));
        state.start();
        try {
            Set<String> marked = new HashSet<>();
            for (int id = 1; id <= 100; id++) {
                if (state.recorded(String.valueOf(id)) != null) {
                    marked.add(String.valueOf(id));
                }
            }
            return marked;
        } finally {
            state.stop();
        }
    }
}
