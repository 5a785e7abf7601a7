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
import org.apache.camel.CamelContext;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;
import org.yofacturoyampi.routes.support.YoFacturoStub;

/**
 * One answer costs bounded memory and disk: its bytes read are capped, and so is the body a dead letter keeps. On
 * Camel's test kit ({@link CamelMainTest}): each nested class is one configuration of the real app against its own
 * WireMock YoFacturo, the feed run as a trigger runs it, and the dead letters and deliveries checked on the real files.
 */
@CamelMainTest
class AnswerSizeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static void page2Answers(YoFacturoStub yofacturo, String body) {
        yofacturo.server().stubFor(get(urlPathEqualTo("/api/v1/invoice_batches")).atPriority(0)
                .withQueryParam("page", equalTo("2"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static void runOnce(CamelContext context) {
        context.createProducerTemplate().requestBodyAndHeader("direct:sync", null, "SyncFeed",
                "yofacturo-invoice-batches", String.class);
    }

    private static List<Path> deadLetters(Path work) throws Exception {
        try (Stream<Path> files = Files.list(work.resolve("out/dead-letter"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
        }
    }

    @Nested
    class AnswersCappedAt1MiB extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theAppReadingAtMost1MiBOfAnAnswer(MainConfigurationProperties main) {
            RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                    .property("http.max-answer-bytes", "1048576").configure(main);
        }

        @Test
        void anAnswerLargerThanTheCapIsADeadLetterTooLargeWithItsSizeAndAHashNotItsBody() throws Exception {
            // given 3 pages of batches whose page 2 is a well-formed answer of 5 MB, and answers capped at 1 MiB
            yofacturo.listsBatches(YoFacturoStub.batches(250));
            String padding = "x".repeat(5_000_000);
            page2Answers(yofacturo, "{\"data\": [{\"id\": 101, \"status\": \"received\", \"note\": \"" + padding + "\"}], "
                    + "\"meta\": {\"current_page\": 2, \"total_pages\": 3, \"total_count\": 250, \"per_page\": 100}}");

            // when the feed runs
            runOnce(context);

            // then pages 1 and 3 were delivered, and page 2 is one small dead letter: too large, its size and a hash
            assertThat(JsonFiles.in(work.resolve("out/yofacturo/invoice-batches"))).isEqualTo(150);
            assertThat(work.resolve("out/yofacturo/invoice-batches/101.json")).doesNotExist();
            List<Path> letters = deadLetters(work);
            assertThat(letters).hasSize(1);
            assertThat(Files.size(letters.get(0))).isLessThan(4096);
            JsonNode letter = JSON.readTree(letters.get(0).toFile());
            assertThat(letter.get("error").asText()).contains("too large").contains("more than 1048576 bytes");
            assertThat(letter.get("body_bytes").asText()).isEqualTo("more than 1048576");
            assertThat(letter.get("sha256_of_first_bytes").asText()).matches("[0-9a-f]{64}");
            assertThat(letter.get("body").isNull()).isTrue();
        }
    }

    @Nested
    class DeadLettersKeepingAThousandBytes extends SharedAppContext {

        private final YoFacturoStub yofacturo = upstream(new YoFacturoStub().issuesSession());

        @Configure
        void theAppKeepingAtMostAThousandBytesOfADeadLettersBody(MainConfigurationProperties main) {
            RunningApp.builder(work).yofacturo(yofacturo.baseUrl(), YoFacturoStub.API_KEY)
                    .property("dead-letter.max-body-bytes", "1000").configure(main);
        }

        @Test
        void aDeadLetterKeepsAtMostTheConfiguredBytesOfTheBodyWithItsSizeAndHash() throws Exception {
            // given page 2 answers 300,000 bytes that are not JSON, and dead letters keep 1,000 bytes of a body
            yofacturo.listsBatches(YoFacturoStub.batches(250));
            page2Answers(yofacturo, "<html>" + "y".repeat(299_987) + "</html>");

            // when the feed runs
            runOnce(context);

            // then the dead letter keeps the first 1,000 bytes, and says how long the body was and its hash
            JsonNode letter = JSON.readTree(deadLetters(work).get(0).toFile());
            assertThat(letter.get("body").asText()).hasSize(1000).startsWith("<html>yyy");
            assertThat(letter.get("body_bytes").asInt()).isEqualTo(300_000);
            assertThat(letter.get("body_sha256").asText()).matches("[0-9a-f]{64}");
            assertThat(Files.size(deadLetters(work).get(0))).isLessThan(4096);
        }
    }
}
