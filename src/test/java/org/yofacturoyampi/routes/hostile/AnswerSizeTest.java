package org.yofacturoyampi.routes.hostile;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/** One answer costs bounded memory and disk: its bytes read are capped, and so is the body a dead letter keeps. */
class AnswerSizeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private final YoFacturoStub yofacturo = new YoFacturoStub().issuesSession();

    @AfterEach
    void stopStub() {
        yofacturo.close();
    }

    private void page2Answers(String body) {
        yofacturo.server().stubFor(get(urlPathEqualTo("/api/v1/invoice_batches")).atPriority(0)
                .withQueryParam("page", equalTo("2"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body)));
    }

    private void runOnce(RunningApp app) {
        app.context().createProducerTemplate().requestBodyAndHeader("direct:sync", null, "SyncFeed",
                "yofacturo-invoice-batches", String.class);
    }

    private List<Path> deadLetters() throws Exception {
        try (Stream<Path> files = Files.list(work.resolve("out/dead-letter"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
        }
    }

    @Test
    void anAnswerLargerThanTheCapIsADeadLetterTooLargeWithItsSizeAndAHashNotItsBody() throws Exception {
        // given 3 pages of batches whose page 2 is a well-formed answer of 5 MB, and answers capped at 1 MiB
        yofacturo.listsBatches(YoFacturoStub.batches(250));
        String padding = "x".repeat(5_000_000);
        page2Answers("{\"data\": [{\"id\": 101, \"status\": \"received\", \"note\": \"" + padding + "\"}], "
                + "\"meta\": {\"current_page\": 2, \"total_pages\": 3, \"total_count\": 250, \"per_page\": 100}}");

        try (RunningApp app = RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("http.max-answer-bytes", "1048576").start()) {
            // when the feed runs
            runOnce(app);
        }

        // then pages 1 and 3 were delivered, and page 2 is one small dead letter: too large, its size and a hash
        assertThat(JsonFiles.in(work.resolve("out/yofacturo/invoice-batches"))).isEqualTo(150);
        assertThat(work.resolve("out/yofacturo/invoice-batches/101.json")).doesNotExist();
        List<Path> letters = deadLetters();
        assertThat(letters).hasSize(1);
        assertThat(Files.size(letters.get(0))).isLessThan(4096);
        JsonNode letter = JSON.readTree(letters.get(0).toFile());
        assertThat(letter.get("error").asText()).contains("too large").contains("more than 1048576 bytes");
        assertThat(letter.get("body_bytes").asText()).isEqualTo("more than 1048576");
        assertThat(letter.get("sha256_of_first_bytes").asText()).matches("[0-9a-f]{64}");
        assertThat(letter.get("body").isNull()).isTrue();
    }

    @Test
    void aDeadLetterKeepsAtMostTheConfiguredBytesOfTheBodyWithItsSizeAndHash() throws Exception {
        // given page 2 answers 300,000 bytes that are not JSON, and dead letters keep 1,000 bytes of a body
        yofacturo.listsBatches(YoFacturoStub.batches(250));
        page2Answers("<html>" + "y".repeat(299_987) + "</html>");

        try (RunningApp app = RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                .property("dead-letter.max-body-bytes", "1000").start()) {
            // when the feed runs
            runOnce(app);
        }

        // then the dead letter keeps the first 1,000 bytes, and says how long the body was and its hash
        JsonNode letter = JSON.readTree(deadLetters().get(0).toFile());
        assertThat(letter.get("body").asText()).hasSize(1000).startsWith("<html>yyy");
        assertThat(letter.get("body_bytes").asInt()).isEqualTo(300_000);
        assertThat(letter.get("body_sha256").asText()).matches("[0-9a-f]{64}");
        assertThat(Files.size(deadLetters().get(0))).isLessThan(4096);
    }
}
