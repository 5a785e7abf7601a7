package org.yofacturoyampi.routes.yampi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yofacturoyampi.routes.sandbox.RecordedRequest;
import org.yofacturoyampi.routes.sandbox.Sandbox;
import org.yofacturoyampi.routes.sandbox.SandboxSettings;
import org.yofacturoyampi.routes.support.JsonFiles;
import org.yofacturoyampi.routes.support.RunningApp;
import org.yofacturoyampi.routes.support.SharedAppContext;

/**
 * The 7 default Yampi feeds of account 1 polling the sandbox every second (40 contacts, 60 conversations, 3 inboxes,
 * 4 labels, 5 agents, 2 teams), on Camel's test kit: one context per nested class, shared by its tests, which only
 * read what the context delivered (and the one that changes a contact asserts only on what came after). The other
 * Yampi polling scenarios, each on a configuration of its own, are in {@link YampiPollingTest}, and the one across a
 * restart in {@link YampiPollingAcrossStartsTest}.
 */
@CamelMainTest
class YampiDefaultResourcesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ALL_RECORDS = 1 + 60 + 40 + 3 + 4 + 5 + 2;

    private static RunningApp.Builder app(Path work, Sandbox sandbox, SandboxSettings settings) {
        return RunningApp.builder(work).yampi(sandbox.baseUrl(), settings.yampiUserToken(), "user", "1");
    }

    @Nested
    class ToFiles extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));
        // the context's folder, for all its tests (a @TempDir field would be made again, and emptied, for each test)
        @Configure
        void theAppWritingFiles(MainConfigurationProperties main) {
            app(work, sandbox, settings).configure(main);
        }

        private long files(String dir) throws Exception {
            return JsonFiles.in(work.resolve("out/yampi/1").resolve(dir));
        }

        /** Every record of the 7 default resources of account 1 is there (11 requests: 3 pages each for two). */
        private boolean everyDefaultResourceDelivered() throws Exception {
            return files("conversations") == 60 && files("contacts") == 40 && files("inboxes") == 3
                    && files("labels") == 4 && files("agents") == 5 && files("teams") == 2
                    && Files.exists(work.resolve("out/yampi/1/account.json"));
        }

        @Test
        void theTokenTravelsOnlyInTheApiAccessTokenHeader() throws Exception {
            // when every default resource of account 1 is polled
            await().atMost(Duration.ofSeconds(20)).until(this::everyDefaultResourceDelivered);

            // then each request carried the token in api_access_token, and no other header carried it or any credential
            List<RecordedRequest> requests = sandbox.yampi().recordedRequests();
            assertThat(requests).hasSizeGreaterThanOrEqualTo(11);
            for (RecordedRequest r : requests) {
                assertThat(r.header("api_access_token")).as(r.path()).isEqualTo(settings.yampiUserToken());
                assertThat(r.headers()).as(r.path()).doesNotContainKeys("authorization", "cookie", "proxy-authorization");
                r.headers().forEach((name, value) -> {
                    if (!name.equals("api_access_token")) {
                        assertThat(value).as(name).doesNotContain(settings.yampiUserToken());
                    }
                });
            }
        }

        @Test
        void eachEnvelopeIsParsedIntoOneFilePerRecordHoldingTheRecordAsTheApiReturnedIt() throws Exception {
            // when every default resource of account 1 is polled
            await().atMost(Duration.ofSeconds(20)).until(this::everyDefaultResourceDelivered);

            // then the account object, data.payload, payload + meta.count, payload, and bare arrays each gave their records
            Path account = work.resolve("out/yampi/1");
            assertThat(JSON.readTree(account.resolve("account.json").toFile()).get("name").asText()).isEqualTo("Sandbox account 1");
            JsonNode conversation = JSON.readTree(account.resolve("conversations/100060.json").toFile());
            assertThat(conversation.get("id").asLong()).isEqualTo(100060);
            assertThat(conversation.fieldNames()).toIterable()
                    .containsExactly("id", "account_id", "inbox_id", "status", "created_at", "last_activity_at", "unread_count");
            assertThat(JSON.readTree(account.resolve("contacts/1000040.json").toFile()).get("name").asText()).isEqualTo("Contact 40");
            assertThat(JSON.readTree(account.resolve("inboxes/103.json").toFile()).get("name").asText()).isEqualTo("Inbox 3");
            assertThat(JSON.readTree(account.resolve("labels/104.json").toFile()).get("title").asText()).isEqualTo("title 4");
            assertThat(JSON.readTree(account.resolve("agents/105.json").toFile()).get("name").asText()).isEqualTo("Agent 5");
            assertThat(JSON.readTree(account.resolve("teams/102.json").toFile()).get("name").asText()).isEqualTo("Team 2");
        }
    }

    @Nested
    class ToAMock extends SharedAppContext {

        private final SandboxSettings settings = SandboxSettings.builder().build();
        private final Sandbox sandbox = upstream(Sandbox.start(settings));
        @EndpointInject("mock:yampi")
        MockEndpoint downstream;

        @Configure
        void theAppDeliveringToAMockEndpoint(MainConfigurationProperties main) {
            // given a downstream that keeps what it receives
            app(work, sandbox, settings).property("yampi.to", "mock:yampi").configure(main);
        }

        @Test
        void eachRecordGoesDownstreamWithHeadersNamingAccountResourceAndIdAndNoCredential() throws Exception {
            // when a poll runs
            await().atMost(Duration.ofSeconds(20)).until(() -> downstream.getReceivedCounter() >= ALL_RECORDS);

            // then each message names its record, and carries nothing of the upstream call
            Exchange contact = downstream.getReceivedExchanges().stream()
                    .filter(e -> "1000007".equals(e.getMessage().getHeader("YampiRecordId", String.class)))
                    .findFirst().orElseThrow();
            assertThat(contact.getMessage().getHeaders())
                    .containsEntry("YampiAccountId", "1").containsEntry("YampiResource", "contacts")
                    .containsEntry("YampiRecordPath", "contacts/1000007");
            assertThat(JSON.readTree(contact.getMessage().getBody(String.class)).get("name").asText()).isEqualTo("Contact 7");
            for (Exchange e : downstream.getReceivedExchanges()) {
                assertThat(e.getMessage().getHeaders().keySet())
                        .noneMatch(h -> h.equalsIgnoreCase("api_access_token") || h.equalsIgnoreCase("Authorization")
                                || h.startsWith("CamelHttp"));
            }
        }

        @Test
        void unchangedRecordsAreNotDeliveredAgainAndAChangedOneIs() throws Exception {
            // (the other test of this context changes nothing: every record comes once whichever runs first)
            await().atMost(Duration.ofSeconds(20)).until(() -> downstream.getReceivedCounter() == ALL_RECORDS);

            // when two more polls read everything again
            int requests = sandbox.yampi().requestCount();
            await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.yampi().requestCount() >= requests + 2 * 11);

            // then nothing was delivered again
            assertThat(downstream.getReceivedCounter()).isEqualTo(ALL_RECORDS);

            // and when one contact changes, it alone is delivered on the next poll
            sandbox.yampi().changeContact(1, 7);
            await().atMost(Duration.ofSeconds(20)).until(() -> downstream.getReceivedCounter() == ALL_RECORDS + 1);
            Exchange last = downstream.getReceivedExchanges().get(ALL_RECORDS);
            assertThat(last.getMessage().getHeader("YampiRecordId", String.class)).isEqualTo("1000007");
            assertThat(last.getMessage().getBody(String.class)).contains("Contact 7 (v1)");
        }
    }
}
