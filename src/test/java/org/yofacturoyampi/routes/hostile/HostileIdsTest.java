package org.yofacturoyampi.routes.hostile;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.delivery.DeliveryStateRepository;
import org.yofacturoyampi.routes.support.AppContextPerTest;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * Ids come from the API and from inbound files: they never steer a file path or a URL. On Camel's test kit
 * ({@link CamelMainTest}): the real app against a WireMock YoFacturo, the feed run as a trigger runs it, and what it
 * wrote checked on the real files. Each test looks at everything under the output folder or every request the
 * upstream had, so each has a context (and folder and upstream) of its own, as the kit makes by default.
 */
@CamelMainTest
class HostileIdsTest extends AppContextPerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

    @Configure
    void theApp(MainConfigurationProperties main) {
        RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY).configure(main);
    }

    private void listsBatchesWithIds(Object... ids) throws Exception {
        List<Map<String, Object>> batches = Stream.of(ids).map(id -> Map.<String, Object>of("id", id, "status", "received"))
                .toList();
        yofacturo.server().stubFor(get(urlPathEqualTo("/api/v1/invoice_batches")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(JSON.writeValueAsString(Map.of("data", batches, "meta", Map.of("current_page", 1,
                                "total_pages", 1, "total_count", batches.size(), "per_page", 100))))));
        // whatever the batch, it has no invoices
        yofacturo.server().stubFor(get(urlPathMatching("/api/v1/invoice_batches/[^/]+/batch_invoices")).atPriority(2)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"data\": [], \"meta\": {\"current_page\": 1, \"total_pages\": 1, "
                                + "\"total_count\": 0, \"per_page\": 100}}")));
    }

    private void runOnce() {
        context.createProducerTemplate().requestBodyAndHeader("direct:sync", null, "SyncFeed",
                "yofacturo-invoice-batches", String.class);
    }

    private Set<String> filesUnder(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void batchIdsThatLookLikePathsEachGetOneFileInsideTheBatchFolderAndNoneCollide() throws Exception {
        // given another feed's file, and batch ids that are paths, and the number 5 and the string "5"
        Path yampiAccount = work.resolve("out/yampi/1/account.json");
        Files.createDirectories(yampiAccount.getParent());
        Files.writeString(yampiAccount, "{\"id\": 1}");
        listsBatchesWithIds("../../yampi/1/account", "a/b", 5, "5", "abc-9");

        // when the feed runs, and the app has stopped (its delivery state is read below)
        runOnce();
        context.stop();

        // then each batch is one file right inside the batch folder, plain ids keep their names, no two collide
        Set<String> files = filesUnder(work.resolve("out/yofacturo/invoice-batches"));
        assertThat(files).hasSize(5).allSatisfy(f -> assertThat(f).doesNotContain("/").doesNotStartWith("."))
                .contains("5.json", "abc-9.json");
        // and the other feed's file is untouched, and no folder was made for 'a/b'
        assertThat(Files.readString(yampiAccount)).isEqualTo("{\"id\": 1}");
        assertThat(work.resolve("out/yofacturo/invoice-batches/a")).doesNotExist();
        assertThat(filesUnder(work.resolve("out"))).filteredOn(f -> !f.startsWith("yofacturo/invoice-batches/"))
                .containsExactly("yampi/1/account.json");
        // and the number 5 and the string "5" are two records in the delivery state too
        DeliveryStateRepository state =
                new DeliveryStateRepository(work.resolve("state/yofacturo-invoice-batches.state"));
        state.start();
        try {
            assertThat(state.size()).isEqualTo(5);
        } finally {
            state.stop();
        }
    }

    @Test
    void batchIdsWithAQueryOrADotSegmentDoNotCallAnotherEndpoint() throws Exception {
        // given batches whose ids would change the URL of their invoices
        listsBatchesWithIds("1?x=y#z", "..", "a/b");
        yofacturo.server().stubFor(get(anyUrl()).atPriority(9).willReturn(aResponse().withStatus(404)));

        // when the feed runs, and the app has stopped
        runOnce();
        context.stop();

        // then the only requests are the list and the invoices of each id as one encoded path segment; '..' is not sent
        Set<String> urls = yofacturo.server().findAll(anyRequestedFor(anyUrl())).stream()
                .map(r -> r.getMethod() + " " + r.getUrl().replaceAll("\\?.*", "")).collect(Collectors.toSet());
        assertThat(urls).containsExactlyInAnyOrder(
                "POST /api/v1/auth/sessions",
                "GET /api/v1/invoice_batches",
                "GET /api/v1/invoice_batches/1%3Fx%3Dy%23z/batch_invoices",
                "GET /api/v1/invoice_batches/a%2Fb/batch_invoices");
    }

    @Test
    void submissionResultsOfExternalIdsThatDifferOnlyInUnsafeCharactersOrAreVeryLongEachGetTheirOwnFile() throws Exception {
        // given YoFacturo creates every batch
        yofacturo.server().stubFor(post("/api/v1/invoice_batches").atPriority(1).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"data\": {\"id\": 77, \"status\": \"received\"}}")));
        String longId = "L".repeat(300);
        // when batches with external ids x/y, x?y, x_y and a 300-character one are dropped
        Path inbound = work.resolve("in/invoice-batches");
        Files.createDirectories(inbound);
        int n = 0;
        for (String id : List.of("x/y", "x?y", "x_y", longId)) {
            Path temp = Files.writeString(work.resolve("in/drop-" + n), "{\"invoice_batch\": {\"external_batch_id\": "
                    + JSON.writeValueAsString(id) + ", \"invoices\": []}}");
            Files.move(temp, inbound.resolve("b" + n++ + ".json"), StandardCopyOption.ATOMIC_MOVE);
        }

        // then each answer is one result file of its own, inside the submissions folder
        Path results = work.resolve("out/yofacturo/submissions");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.isDirectory(results) && filesUnder(results).size() == 4);
        assertThat(filesUnder(results)).contains("x_y.json").allSatisfy(f -> assertThat(f).doesNotContain("/")
                .hasSizeLessThan(200));
        assertThat(filesUnder(work.resolve("out")).stream().filter(f -> !f.startsWith("yofacturo/submissions/")))
                .isEmpty();
    }
}
