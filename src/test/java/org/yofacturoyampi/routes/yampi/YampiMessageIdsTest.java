package org.yofacturoyampi.routes.yampi;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.support.LogCapture;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;

/**
 * Ids from Yampi steer the messages' URL and file path: only plain numbers are taken (a hostile Yampi in WireMock,
 * stubbed before the context starts), on Camel's test kit ({@link CamelMainTest}). The files are the behaviour here
 * (no path outside the output, the dead letters' content), so the test reads the real ones, once the app stopped.
 */
@CamelMainTest
class YampiMessageIdsTest extends SharedAppContext {

    private static final String TOKEN = "yampi_test_fake_token";

    private final WireMockServer yampi = upstream(new WireMockServer(WireMockConfiguration.options().dynamicPort()));
    // from before the context starts: the first poll warns
    private final LogCapture log = upstream(LogCapture.start());

    @Configure
    void theAppReadingMessagesFromAHostileYampi(MainConfigurationProperties main) {
        // given a conversation whose id is not a number, and one whose messages include an id that climbs folders
        yampi.start();
        yampi.stubFor(get(urlPathEqualTo("/api/v1/accounts/1/conversations")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"data\": {\"meta\": {\"all_count\": 2}, "
                        + "\"payload\": [{\"id\": \"7%2F..\", \"status\": \"open\"}, {\"id\": 8, \"status\": \"open\"}]}}")));
        yampi.stubFor(get(urlPathEqualTo("/api/v1/accounts/1/conversations/8/messages")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"meta\": {}, \"payload\": ["
                        + "{\"id\": \"../../../../escaped\", \"content\": \"x\"}, {\"id\": 80001, \"content\": \"y\"}]}")));
        // when the conversations feed runs with messages
        RunningApp.builder(work).yampi(yampi.baseUrl(), TOKEN, "user", "1")
                .property("yampi.resources", "conversations,messages").configure(main);
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aConversationOrMessageIdThatIsNotAPlainNumberSteersNoRequestAndNoFile() throws Exception {
        // (given and when: the configuration above; several polls run)
        await().atMost(Duration.ofSeconds(20)).until(() -> yampi.findAll(getRequestedFor(
                urlPathEqualTo("/api/v1/accounts/1/conversations"))).size() >= 3);

        // then the first conversation's messages were never asked for: one WARN says so, once
        assertThat(yampi.findAll(getRequestedFor(urlPathMatching(".*/messages")))).isNotEmpty()
                .allSatisfy(r -> assertThat(r.getUrl()).startsWith("/api/v1/accounts/1/conversations/8/messages"));
        assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("not a plain number; its messages are not read"))
                .singleElement().satisfies(l -> assertThat(l).contains("conversation '7?2F..'"));
        // and the other conversation's answer is refused whole, in a WARN at each poll: it stays pending, no
        // message of it is skipped
        assertThat(log.linesAt(Level.WARN)).filteredOn(l -> l.contains("a message has no plain number as its 'id'") && l.contains("not delivered"))
                .hasSizeGreaterThanOrEqualTo(2).allSatisfy(l -> assertThat(l).contains("messages of Yampi conversation 1/8"));

        // and once the app stopped (no dead letter half written), the answer is in the dead letters
        context.stop();
        try (Stream<Path> letters = Files.list(work.resolve("out/dead-letter"))) {
            assertThat(letters.map(p -> readString(p))).isNotEmpty()
                    .allSatisfy(l -> assertThat(l).contains("/api/v1/accounts/1/conversations/8/messages").contains("escaped"));
        }

        // and no message file was written, nor anything outside the output
        try (Stream<Path> files = Files.walk(work.resolve("out/yampi"))) {
            assertThat(files.map(Path::toString)).noneMatch(f -> f.contains("messages") || f.contains("escaped"));
        }
        try (Stream<Path> files = Files.walk(work.getParent(), 2)) {
            assertThat(files.map(Path::toString)).noneMatch(f -> f.contains("escaped"));
        }
    }
}
