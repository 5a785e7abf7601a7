package org.yofacturoyampi.routes.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.sandbox.SandboxSettings.YampiAccount;

class SandboxYampiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private Sandbox sandbox;
    private SandboxSettings settings;

    @BeforeEach
    void start() {
        settings = SandboxSettings.builder().yampiAccounts(Map.of(1L, new YampiAccount(40, 60, 3, 4, 5, 2))).build();
        sandbox = Sandbox.start(settings);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path)).GET();
        if (token != null) {
            r.header("api_access_token", token);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode user(String path) throws Exception {
        HttpResponse<String> r = get(path, settings.yampiUserToken());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void servesEachResourceWithItsOwnEnvelope() throws Exception {
        assertThat(user("/api/v1/accounts/1").get("id").asLong()).isEqualTo(1);
        assertThat(user("/api/v1/accounts/1/conversations?status=all").at("/data/payload")).hasSize(25);
        assertThat(user("/api/v1/accounts/1/conversations?status=all").at("/data/meta/all_count").asInt()).isEqualTo(60);
        JsonNode contacts = user("/api/v1/accounts/1/contacts?page=1");
        assertThat(contacts.get("payload")).hasSize(15);
        assertThat(contacts.at("/meta/count").asInt()).isEqualTo(40);
        assertThat(contacts.at("/meta/current_page").isTextual()).isTrue();
        assertThat(user("/api/v1/accounts/1/inboxes").get("payload")).hasSize(3);
        assertThat(user("/api/v1/accounts/1/labels").get("payload")).hasSize(4);
        assertThat(user("/api/v1/accounts/1/agents").isArray()).isTrue();
        assertThat(user("/api/v1/accounts/1/teams")).hasSize(2);
        assertThat(user("/api/v1/accounts/1/canned_responses")).hasSize(3)
                .allSatisfy(reply -> assertThat(reply.has("short_code")).isTrue());
    }

    @Test
    void conversationsComeNewestFirstAndOneTouchedDuringAWalkMovesToTheTop() throws Exception {
        // given conversations sorted by latest activity, 60 first
        assertThat(user("/api/v1/accounts/1/conversations?status=all&page=1").at("/data/payload/0/id").asLong()).isEqualTo(100060);

        // when conversation 100005 (on page 3) gets a message right after page 1 is served
        sandbox.yampi().touchConversationAfterPage(1, 100005, 1);
        user("/api/v1/accounts/1/conversations?status=all&page=1");

        // then it leads page 1, with a newer last_activity_at, and page 3 no longer has it
        JsonNode top = user("/api/v1/accounts/1/conversations?status=all&page=1").at("/data/payload/0");
        assertThat(top.get("id").asLong()).isEqualTo(100005);
        assertThat(top.get("last_activity_at").asLong()).isGreaterThan(user("/api/v1/accounts/1/conversations?status=all&page=1")
                .at("/data/payload/1/last_activity_at").asLong());
        assertThat(user("/api/v1/accounts/1/conversations?status=all&page=3").at("/data/payload").findValuesAsText("id"))
                .doesNotContain("100005");
    }

    @Test
    void pageSizesAreTheServersChoice() throws Exception {
        sandbox.yampi().pageSizes(10, 20);
        assertThat(user("/api/v1/accounts/1/conversations?status=all&page=1").at("/data/payload")).hasSize(10);
        assertThat(user("/api/v1/accounts/1/conversations?status=all&page=6").at("/data/payload")).hasSize(10);
        assertThat(user("/api/v1/accounts/1/contacts?page=2").get("payload")).hasSize(20);
    }

    @Test
    void conversationsDefaultToOpenAndEndWithAShortPage() throws Exception {
        assertThat(user("/api/v1/accounts/1/conversations?page=1").at("/data/payload"))
                .allMatch(c -> c.get("status").asText().equals("open"));
        assertThat(user("/api/v1/accounts/1/conversations?status=all&page=3").at("/data/payload")).hasSize(10);
        assertThat(user("/api/v1/accounts/1/conversations?status=all&page=4").at("/data/payload")).isEmpty();
        assertThat(user("/api/v1/accounts/1/contacts?page=3").get("payload")).hasSize(10);
    }

    private static void assertRefused(HttpResponse<String> answer, int status, String error) {
        assertThat(answer.statusCode()).as(answer.uri().getPath()).isEqualTo(status);
        assertThat(answer.body()).as(answer.uri().getPath()).isEqualTo("{\"error\":\"" + error + "\"}");
    }

    @Test
    void answersUpstreamsRefusalsPerTokenKind() throws Exception {
        // a missing or unknown token: the token is refused, with the body of each API
        assertRefused(get("/api/v1/accounts/1", null), 401, "Invalid Access Token");
        assertRefused(get("/platform/api/v1/accounts/1", "unknown"), 401, "Invalid access_token");
        // a bot lists nothing: every read answers the bots' 401
        assertRefused(get("/api/v1/accounts/1/contacts", settings.yampiBotToken()), 401,
                "Access to this endpoint is not authorized for bots");
        assertRefused(get("/api/v1/accounts/1/conversations", settings.yampiBotToken()), 401,
                "Access to this endpoint is not authorized for bots");
        // a platform app works on the platform paths only
        assertThat(get("/platform/api/v1/accounts/1", settings.yampiPlatformToken()).statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(get("/platform/api/v1/accounts/1/account_users", settings.yampiPlatformToken()).body())
                .get(0).has("role")).isTrue();
        assertRefused(get("/api/v1/accounts/1", settings.yampiPlatformToken()), 401,
                "Access to this endpoint is not authorized for bots");
        assertRefused(get("/platform/api/v1/accounts/1", settings.yampiUserToken()), 401, "Invalid access_token");
        // an account that does not exist
        assertRefused(get("/api/v1/accounts/2", settings.yampiUserToken()), 404, "Resource could not be found");
        sandbox.yampi().revokeToken(settings.yampiUserToken());
        assertRefused(get("/api/v1/accounts/1", settings.yampiUserToken()), 401, "Invalid Access Token");
    }

    @Test
    void anAccountTheTokenDoesNotBelongToAndAnActionTheRoleMayNotDoAnswer401WithTheirOwnBodies() throws Exception {
        sandbox.yampi().refuseAction("/contacts");
        assertRefused(get("/api/v1/accounts/1/contacts", settings.yampiUserToken()), 401,
                "You are not authorized to do this action");
        assertThat(get("/api/v1/accounts/1/inboxes", settings.yampiUserToken()).statusCode()).isEqualTo(200);

        sandbox.yampi().removeFromAccount(1);
        assertRefused(get("/api/v1/accounts/1/inboxes", settings.yampiUserToken()), 401,
                "You are not authorized to access this account");
        assertRefused(get("/platform/api/v1/accounts/1", settings.yampiPlatformToken()), 401, "Non permissible resource");
    }

    @Test
    void rateLimitsAnswerPlainTextRetryLaterWithoutRetryAfterOrWithItOnDemand() throws Exception {
        sandbox.yampi().rateLimitNext(1, null);
        HttpResponse<String> upstreamDefault = get("/api/v1/accounts/1", settings.yampiUserToken());
        assertThat(upstreamDefault.statusCode()).isEqualTo(429);
        assertThat(upstreamDefault.body()).isEqualTo("Retry later\n");
        assertThat(upstreamDefault.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(upstreamDefault.headers().firstValue("Retry-After")).isEmpty();

        sandbox.yampi().rateLimitNext(1, 2);
        HttpResponse<String> withHeader = get("/api/v1/accounts/1", settings.yampiUserToken());
        assertThat(withHeader.statusCode()).isEqualTo(429);
        assertThat(withHeader.body()).isEqualTo("Retry later\n");
        assertThat(withHeader.headers().firstValue("Retry-After")).contains("2");
    }

    @Test
    void postsAMessageWithAUserOrBotToken() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create(sandbox.baseUrl() + "/api/v1/accounts/1/conversations/100001/messages"))
                .header("api_access_token", settings.yampiBotToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"hola\",\"private\":false}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(sandbox.yampi().postedMessages()).hasSize(1);
        assertThat(sandbox.yampi().postedMessages().get(0)).containsEntry("content", "hola");
        // message_type as upstream sends it: an integer (1, outgoing)
        assertThat(JSON.readTree(r.body()).get("message_type").isInt()).isTrue();
        assertThat(JSON.readTree(r.body()).get("message_type").asInt()).isEqualTo(1);
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .header("api_access_token", token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aMessageToAnUnknownConversationIsNotFoundAndAPlatformTokenCannotPostOne() throws Exception {
        assertRefused(post("/api/v1/accounts/1/conversations/999999/messages", settings.yampiUserToken(),
                "{\"content\":\"hola\"}"), 404, "Resource could not be found");
        assertRefused(post("/api/v1/accounts/1/conversations/100001/messages", settings.yampiPlatformToken(),
                "{\"content\":\"hola\"}"), 401, "Access to this endpoint is not authorized for bots");
        assertThat(sandbox.yampi().postedMessages()).isEmpty();
    }

    @Test
    void aChangedContactHasDifferentJson() throws Exception {
        String before = user("/api/v1/accounts/1/contacts?page=1").at("/payload/0").toString();
        sandbox.yampi().changeContact(1, 1);
        assertThat(user("/api/v1/accounts/1/contacts?page=1").at("/payload/0").toString()).isNotEqualTo(before);
    }

    @Test
    void servesTheMessagesOfAConversationWithUpstreamsCursor() throws Exception {
        // given conversation 100025 with 45 generated messages (ids 100025001..100025045)
        String path = "/api/v1/accounts/1/conversations/100025/messages";

        // then the latest 20 come by default, oldest first, message_type an integer
        JsonNode latest = user(path).get("payload");
        assertThat(latest).hasSize(20);
        assertThat(latest.get(0).get("id").asLong()).isEqualTo(100025026L);
        assertThat(latest.get(19).get("id").asLong()).isEqualTo(100025045L);
        assertThat(latest.get(0).get("message_type").isInt()).isTrue();
        assertThat(user(path).has("meta")).isTrue();

        // and before= gives the 20 before, after= up to 100 after
        JsonNode before = user(path + "?before=100025026").get("payload");
        assertThat(before).hasSize(20);
        assertThat(before.get(19).get("id").asLong()).isEqualTo(100025025L);
        assertThat(user(path + "?before=100025006").get("payload")).hasSize(5);
        assertThat(user(path + "?after=100025000").get("payload")).hasSize(45);
        assertThat(user(path + "?after=100025045").get("payload")).isEmpty();

        // and an unknown conversation is upstream's 404
        HttpResponse<String> unknown = get("/api/v1/accounts/1/conversations/999/messages", settings.yampiUserToken());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"error\":\"Resource could not be found\"}");
    }

    @Test
    void aMessageAddedToAConversationComesAfterTheOthersAndChangesTheConversation() throws Exception {
        // newest activity first: conversation 59 of 60 is on page 1, and stays there once it moves to the top
        String conversations = "/api/v1/accounts/1/conversations?status=all&page=1";
        JsonNode conversation = conversation(user(conversations), 100059);

        long id = sandbox.yampi().addMessage(1, 100059, "una pregunta");

        assertThat(id).isEqualTo(100059005L);
        JsonNode after = user("/api/v1/accounts/1/conversations/100059/messages?after=100059004").get("payload");
        assertThat(after).hasSize(1);
        assertThat(after.get(0).get("content").asText()).isEqualTo("una pregunta");
        assertThat(conversation(user(conversations), 100059).get("last_activity_at").asLong())
                .isGreaterThan(conversation.get("last_activity_at").asLong());
    }

    private static JsonNode conversation(JsonNode page, long id) {
        for (JsonNode c : page.at("/data/payload")) {
            if (c.get("id").asLong() == id) {
                return c;
            }
        }
        throw new AssertionError("no conversation " + id + " on the page");
    }
}
