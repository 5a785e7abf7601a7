package org.yofacturoyampi.routes.sandbox;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.yofacturoyampi.routes.sandbox.SandboxSettings.YampiAccount;

/**
 * Yampi.ai (a Chatwoot derivative) as shared/api-reference.md describes it, its "Upstream behaviour" included: the
 * {@code api_access_token} header, three token kinds, each resource's own envelope and page size, and upstream's
 * refusals. A token it does not know answers 401 {@code Invalid Access Token} ({@code Invalid access_token} on the
 * platform paths); a bot token may only post messages, anything else answers 401 {@code Access to this endpoint is not
 * authorized for bots}, as does a platform token anywhere but the platform paths; a user or bot token on the platform
 * paths is not a platform token ({@code Invalid access_token}); an account the token's user does not belong to answers
 * 401 ({@code Non permissible resource} for a platform app); 429 is {@code text/plain} {@code Retry later}, with or
 * without {@code Retry-After}. Conversations are sorted by latest activity, so they can move during a walk.
 */
public final class YampiSimulator implements HttpHandler {

    static final int CONVERSATIONS_PER_PAGE = 25;
    static final int CONTACTS_PER_PAGE = 15;
    private static final Pattern ACCOUNT_PATH = Pattern.compile("/api/v1/accounts/(\\d+)(/.*)?");
    private static final Pattern PLATFORM_PATH = Pattern.compile("/platform/api/v1/accounts/(\\d+)(/.*)?");
    private static final Pattern MESSAGES = Pattern.compile("/conversations/(\\d+)/messages");
    private static final String[] STATUSES = {"open", "resolved", "pending", "snoozed"};
    private static final long BASE_TIME = 1_767_225_600L; // 2026-01-01T00:00:00Z in Unix seconds

    private final SandboxSettings settings;
    private final Clock clock;
    static final int CANNED_RESPONSES = 3;
    static final String INVALID_TOKEN = "Invalid Access Token";
    static final String INVALID_PLATFORM_TOKEN = "Invalid access_token";
    static final String NOT_FOR_BOTS = "Access to this endpoint is not authorized for bots";
    static final String NOT_A_MEMBER = "You are not authorized to access this account";
    static final String NOT_PERMITTED = "You are not authorized to do this action";
    static final String NOT_PLATFORM_ACCOUNT = "Non permissible resource";

    // rack-attack's throttled answer: text/plain, no Retry-After unless asked for (rateLimitNext)
    private final SandboxHttp http = new SandboxHttp("Retry later\n");
    private final Set<Long> foreignAccounts = ConcurrentHashMap.newKeySet();
    private final Set<String> refusedActions = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> conversationActivity = new ConcurrentHashMap<>();
    private final AtomicReference<Touch> touchAfterPage = new AtomicReference<>();
    private volatile int conversationsPerPage = CONVERSATIONS_PER_PAGE;
    private volatile int contactsPerPage = CONTACTS_PER_PAGE;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> contactVersions = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> posted = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong messageIds = new AtomicLong(900_000);
    /** Messages added to a conversation by a test, and the conversations whose activity that bumped. */
    private final Map<Long, List<Map<String, Object>>> addedMessages = new ConcurrentHashMap<>();

    private enum Kind { USER, BOT, PLATFORM }

    /** A conversation to move to the top of its account's list once that page has been served. */
    private record Touch(long accountId, long conversationId, int page) {
    }

    YampiSimulator(SandboxSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    // ---- controls and inspection -----------------------------------------------------------------------------------

    public void changeContact(long accountId, long contactId) {
        contactVersions.merge(accountId + "/" + contactId, 1, Integer::sum);
    }

    /**
     * A new incoming message in a conversation, as a customer writing: it gets the next message id of that
     * conversation, and the conversation's {@code last_activity_at} moves on (so the conversation changes).
     *
     * @return the new message's id
     */
    public synchronized long addMessage(long accountId, long conversationId, String content) {
        YampiAccount data = settings.yampiAccounts.get(accountId);
        int i = data == null ? -1 : conversationIndex(accountId, conversationId, data);
        if (i < 0) {
            throw new IllegalArgumentException("account " + accountId + " has no conversation " + conversationId);
        }
        List<Map<String, Object>> all = messages(accountId, i);
        long id = all.isEmpty() ? conversationId * 1000 + 1 : (long) all.get(all.size() - 1).get("id") + 1;
        long at = Math.max(clock.instant().getEpochSecond(), lastActivityAt(accountId, i) + 1);
        addedMessages.computeIfAbsent(conversationId, c -> new CopyOnWriteArrayList<>())
                .add(message(accountId, conversationId, id, content, 0, at));
        conversationActivity.put(accountId + "/" + conversationId, at);
        return id;
    }

    /** How many messages the sandbox generates in a conversation (before any a test adds): 45 in every 25th, else 0 to 4. */
    public static int generatedMessages(int conversationIndex) {
        return conversationIndex % 25 == 0 ? 45 : conversationIndex % 5;
    }

    /**
     * The next {@code n} requests answer 429 {@code text/plain} {@code Retry later}, as upstream's throttle does: without
     * {@code Retry-After} when {@code retryAfterSeconds} is null (upstream's default), else with it.
     */
    public void rateLimitNext(int n, Integer retryAfterSeconds) {
        http.rateLimitNext(n, retryAfterSeconds);
    }

    public void failNext(int n, int status) {
        http.failNext(n, status);
    }

    public void revokeToken(String token) {
        revoked.add(token);
    }

    /** The tokens' user (or platform app) no longer belongs to this account, which still exists: it answers 401. */
    public void removeFromAccount(long accountId) {
        foreignAccounts.add(accountId);
    }

    /** The user's role may not read this resource ({@code /contacts}, ...): 401 "You are not authorized to do this action". */
    public void refuseAction(String resourcePath) {
        refusedActions.add(resourcePath);
    }

    /** The server's page sizes (upstream reads the conversations' from its environment). */
    public void pageSizes(int conversations, int contacts) {
        conversationsPerPage = conversations;
        contactsPerPage = contacts;
    }

    /**
     * Right after page {@code page} of this account's conversations is next served, the conversation gets a new message:
     * its {@code last_activity_at} becomes the latest, so it moves to the top of the list while the walk goes on.
     */
    public void touchConversationAfterPage(long accountId, long conversationId, int page) {
        touchAfterPage.set(new Touch(accountId, conversationId, page));
    }

    public int requestCount() {
        return requests.get();
    }

    public List<RecordedRequest> recordedRequests() {
        return http.recorded();
    }

    public List<Map<String, Object>> postedMessages() {
        return List.copyOf(posted);
    }

    // ---- HTTP ------------------------------------------------------------------------------------------------------

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            http.record(exchange);
            requests.incrementAndGet();
            Kind kind = kindOf(exchange.getRequestHeaders().getFirst("api_access_token"));
            String path = exchange.getRequestURI().getPath();
            Matcher platform = PLATFORM_PATH.matcher(path);
            Matcher account = ACCOUNT_PATH.matcher(path);
            boolean isPlatformPath = platform.matches();
            if (isPlatformPath && kind != Kind.PLATFORM) {
                unauthorized(exchange, INVALID_PLATFORM_TOKEN);
                return;
            }
            if (kind == null) {
                unauthorized(exchange, INVALID_TOKEN);
                return;
            }
            if (!isPlatformPath && (kind == Kind.PLATFORM || kind == Kind.BOT && !botMayCall(exchange, path))) {
                unauthorized(exchange, NOT_FOR_BOTS);
                return;
            }
            Matcher m = isPlatformPath ? platform : account;
            if (!m.matches()) {
                notFound(exchange);
                return;
            }
            long accountId = Long.parseLong(m.group(1));
            YampiAccount data = settings.yampiAccounts.get(accountId);
            if (data == null) {
                notFound(exchange);
                return;
            }
            if (foreignAccounts.contains(accountId)) {
                unauthorized(exchange, isPlatformPath ? NOT_PLATFORM_ACCOUNT : NOT_A_MEMBER);
                return;
            }
            if (http.injectedFault(exchange)) {
                return;
            }
            String rest = m.group(2) == null ? "" : m.group(2);
            if (isPlatformPath) {
                platform(exchange, accountId, data, rest);
            } else {
                account(exchange, kind, accountId, data, rest);
            }
        }
    }

    /** Upstream's agent bots may create messages (and change conversations, not simulated here); nothing else. */
    private static boolean botMayCall(HttpExchange exchange, String path) {
        Matcher account = ACCOUNT_PATH.matcher(path);
        return exchange.getRequestMethod().equals("POST") && account.matches() && account.group(2) != null
                && MESSAGES.matcher(account.group(2)).matches();
    }

    private Kind kindOf(String token) {
        if (token == null || revoked.contains(token)) {
            return null;
        }
        if (token.equals(settings.yampiUserToken)) {
            return Kind.USER;
        }
        if (token.equals(settings.yampiBotToken)) {
            return Kind.BOT;
        }
        return token.equals(settings.yampiPlatformToken) ? Kind.PLATFORM : null;
    }

    private void platform(HttpExchange exchange, long accountId, YampiAccount data, String rest) throws IOException {
        if (rest.isEmpty()) {
            SandboxHttp.json(exchange, 200, account(accountId));
        } else if (rest.equals("/account_users")) {
            List<Map<String, Object>> users = new ArrayList<>();
            for (int i = 1; i <= data.agents(); i++) {
                users.add(Map.of("account_id", accountId, "user_id", accountId * 1000 + i,
                        "role", i == 1 ? "administrator" : "agent"));
            }
            SandboxHttp.json(exchange, 200, users);
        } else {
            notFound(exchange);
        }
    }

    private void account(HttpExchange exchange, Kind kind, long accountId, YampiAccount data, String rest)
            throws IOException {
        Matcher messages = MESSAGES.matcher(rest);
        if (refusedActions.contains(rest)) {
            unauthorized(exchange, NOT_PERMITTED);
            return;
        }
        String method = exchange.getRequestMethod();
        if (messages.matches() && method.equals("POST")) {
            postMessage(exchange, accountId, data, Long.parseLong(messages.group(1)));
            return;
        }
        if (messages.matches() && method.equals("GET")) {
            listMessages(exchange, accountId, data, Long.parseLong(messages.group(1)));
            return;
        }
        if (!method.equals("GET")) {
            notFound(exchange);
            return;
        }
        switch (rest) {
            case "" -> SandboxHttp.json(exchange, 200, account(accountId));
            case "/conversations" -> conversations(exchange, accountId, data);
            case "/contacts" -> contacts(exchange, accountId, data);
            case "/inboxes" -> SandboxHttp.json(exchange, 200,
                    Map.of("payload", named(accountId, data.inboxes(), "inbox", "Inbox")));
            case "/labels" -> SandboxHttp.json(exchange, 200,
                    Map.of("payload", named(accountId, data.labels(), "label", "title")));
            case "/agents" -> SandboxHttp.json(exchange, 200, named(accountId, data.agents(), "agent", "Agent"));
            case "/teams" -> SandboxHttp.json(exchange, 200, named(accountId, data.teams(), "team", "Team"));
            case "/canned_responses" -> SandboxHttp.json(exchange, 200, cannedResponses(accountId));
            default -> notFound(exchange);
        }
    }

    private void conversations(HttpExchange exchange, long accountId, YampiAccount data) throws IOException {
        Map<String, String> q = SandboxHttp.query(exchange);
        String status = q.getOrDefault("status", "open");
        int page = page(q);
        List<Map<String, Object>> matching = new ArrayList<>();
        int open = 0;
        // upstream sorts by latest activity, newest first: generated conversation i is newer than i - 1
        for (int i = data.conversations(); i >= 1; i--) {
            String s = STATUSES[i % STATUSES.length];
            open += s.equals("open") ? 1 : 0;
            if (status.equals("all") || status.equals(s)) {
                matching.add(conversation(accountId, i, s, lastActivityAt(accountId, i)));
            }
        }
        if (!conversationActivity.isEmpty()) {
            matching.sort(Comparator.comparingLong((Map<String, Object> c) -> (Long) c.get("last_activity_at")).reversed());
        }
        List<Map<String, Object>> payload = List.copyOf(slice(matching, page, conversationsPerPage));
        Touch touch = touchAfterPage.get();
        if (touch != null && touch.accountId() == accountId && touch.page() == page && touchAfterPage.compareAndSet(touch, null)) {
            long latest = matching.stream().mapToLong(c -> (Long) c.get("last_activity_at")).max().orElse(BASE_TIME);
            conversationActivity.put(accountId + "/" + touch.conversationId(), latest + 60);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("all_count", data.conversations());
        meta.put("mine_count", 0);
        meta.put("assigned_count", open / 2);
        meta.put("unassigned_count", open - open / 2);
        SandboxHttp.json(exchange, 200, Map.of("data", Map.of("meta", meta, "payload", payload)));
    }

    private void contacts(HttpExchange exchange, long accountId, YampiAccount data) throws IOException {
        int page = page(SandboxHttp.query(exchange));
        List<Map<String, Object>> payload = new ArrayList<>();
        int size = contactsPerPage;
        long first = (long) (page - 1) * size + 1;
        for (long i = first; i <= Math.min(data.contacts(), first + size - 1); i++) {
            payload.add(contact(accountId, i));
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("count", data.contacts());
        meta.put("current_page", String.valueOf(page));
        SandboxHttp.json(exchange, 200, Map.of("meta", meta, "payload", payload));
    }

    /**
     * Upstream's message finder: the latest 20 by default, the 20 before {@code before}, up to 100 after {@code after}
     * (both: those between), each answer oldest first; 404 for a conversation the account does not have.
     */
    private void listMessages(HttpExchange exchange, long accountId, YampiAccount data, long conversationId)
            throws IOException {
        int i = conversationIndex(accountId, conversationId, data);
        if (i < 0) {
            notFound(exchange);
            return;
        }
        Map<String, String> q = SandboxHttp.query(exchange);
        Long before = idParameter(q.get("before"));
        Long after = idParameter(q.get("after"));
        List<Map<String, Object>> selected = new ArrayList<>();
        for (Map<String, Object> m : messages(accountId, i)) {
            long id = (long) m.get("id");
            if ((before == null || id < before) && (after == null || id > after)) {
                selected.add(m);
            }
        }
        List<Map<String, Object>> payload = after != null && before == null
                ? selected.subList(0, Math.min(100, selected.size()))
                : selected.subList(Math.max(0, selected.size() - 20), selected.size());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("labels", List.of());
        meta.put("additional_attributes", Map.of());
        meta.put("assignee", null);
        SandboxHttp.json(exchange, 200, Map.of("meta", meta, "payload", payload));
    }

    private static Long idParameter(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0L; // Rails' to_i
        }
    }

    /** The conversation's index in its account (from 1), or -1 when the account has no such conversation. */
    private static int conversationIndex(long accountId, long conversationId, YampiAccount data) {
        long i = conversationId - accountId * 100_000;
        return i >= 1 && i <= data.conversations() ? (int) i : -1;
    }

    /** A conversation's messages, oldest first: the generated ones, then those a test added. */
    private List<Map<String, Object>> messages(long accountId, int i) {
        long conversationId = accountId * 100_000 + i;
        List<Map<String, Object>> all = new ArrayList<>();
        for (int n = 1; n <= generatedMessages(i); n++) {
            all.add(message(accountId, conversationId, conversationId * 1000 + n, "Message " + n + " of conversation "
                    + conversationId, n % 2 == 1 ? 0 : 1, BASE_TIME + i * 3600L + n * 10L));
        }
        all.addAll(addedMessages.getOrDefault(conversationId, List.of()));
        return all;
    }

    /** message_type as upstream sends it: an integer (0 incoming, 1 outgoing, 2 activity, 3 template). */
    private static Map<String, Object> message(long accountId, long conversationId, long id, String content, int type,
            long createdAt) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("content", content);
        m.put("account_id", accountId);
        m.put("conversation_id", conversationId);
        m.put("message_type", type);
        m.put("private", false);
        m.put("content_type", "text");
        m.put("created_at", createdAt);
        return m;
    }

    private long lastActivityAt(long accountId, int i) {
        Long bumped = conversationActivity.get(accountId + "/" + (accountId * 100_000 + i));
        return bumped != null ? bumped : BASE_TIME + i * 3600L + 600;
    }

    private void postMessage(HttpExchange exchange, long accountId, YampiAccount data, long conversationId)
            throws IOException {
        if (conversationIndex(accountId, conversationId, data) < 0) {
            notFound(exchange);
            return;
        }
        JsonNode body;
        try {
            body = SandboxHttp.JSON.readTree(SandboxHttp.body(exchange));
        } catch (IOException e) {
            body = null;
        }
        String content = body == null ? "" : body.path("content").asText("");
        if (content.isEmpty()) {
            SandboxHttp.json(exchange, 422, Map.of("error", "content can't be blank"));
            return;
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", messageIds.incrementAndGet());
        message.put("content", content);
        message.put("message_type", 1); // upstream's enum as an integer: 0 incoming, 1 outgoing, 2 activity, 3 template
        message.put("private", body.path("private").asBoolean(false));
        message.put("conversation_id", conversationId);
        message.put("account_id", accountId);
        message.put("created_at", clock.instant().getEpochSecond());
        posted.add(message);
        SandboxHttp.json(exchange, 200, message);
    }

    // ---- generated data ----------------------------------------------------------------------------------------------

    private static Map<String, Object> account(long id) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("id", id);
        a.put("name", "Sandbox account " + id);
        a.put("locale", "es");
        a.put("domain", null);
        a.put("support_email", "support+" + id + "@example.test");
        a.put("status", "active");
        return a;
    }

    private Map<String, Object> conversation(long accountId, int i, String status, long lastActivityAt) {
        long id = accountId * 100_000 + i;
        Long touched = conversationActivity.get(accountId + "/" + id);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("account_id", accountId);
        c.put("inbox_id", accountId * 100 + i % 3 + 1);
        c.put("status", status);
        c.put("created_at", BASE_TIME + i * 3600L);
        c.put("last_activity_at", lastActivityAt);
        c.put("unread_count", i % 5 + (touched != null ? 1 : 0));
        return c;
    }

    private static List<Map<String, Object>> cannedResponses(long accountId) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 1; i <= CANNED_RESPONSES; i++) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", accountId * 100 + i);
            item.put("account_id", accountId);
            item.put("short_code", "reply" + i);
            item.put("content", "Canned reply " + i);
            list.add(item);
        }
        return list;
    }

    private Map<String, Object> contact(long accountId, long i) {
        int version = contactVersions.getOrDefault(accountId + "/" + i, 0);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", accountId * 1_000_000 + i);
        c.put("name", "Contact " + i + (version > 0 ? " (v" + version + ")" : ""));
        c.put("email", "contact" + i + "@example.test");
        c.put("phone_number", String.format("+3460%07d", i));
        c.put("created_at", BASE_TIME + i * 60);
        return c;
    }

    private static List<Map<String, Object>> named(long accountId, int count, String kind, String label) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", accountId * 100 + i);
            item.put(kind.equals("label") ? "title" : "name", label + " " + i);
            item.put("account_id", accountId);
            list.add(item);
        }
        return list;
    }

    private static int page(Map<String, String> q) {
        try {
            return Math.max(1, Integer.parseInt(q.getOrDefault("page", "1")));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static List<Map<String, Object>> slice(List<Map<String, Object>> all, int page, int size) {
        int from = Math.min(all.size(), (page - 1) * size);
        return all.subList(from, Math.min(all.size(), from + size));
    }

    private static void unauthorized(HttpExchange exchange, String error) throws IOException {
        SandboxHttp.json(exchange, 401, Map.of("error", error));
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        SandboxHttp.json(exchange, 404, Map.of("error", "Resource could not be found"));
    }
}
