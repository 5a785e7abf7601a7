package org.yofacturoyampi.routes.sandbox;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.yofacturoyampi.routes.sandbox.SandboxSettings.YampiAccount;

/**
 * Yampi.ai (a Chatwoot derivative) as shared/api-reference.md describes it: the {@code api_access_token} header, three
 * token kinds, and each resource's own envelope and page size. Choices where the reference is silent: a bot token may
 * read conversations and post messages, anything else answers 403; a platform token reads only the platform paths,
 * and user or bot tokens there answer 401 (as does a platform token on account paths).
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
    private final SandboxHttp http = new SandboxHttp(Map.of("error", "Too many requests"));
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> contactVersions = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> posted = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong messageIds = new AtomicLong(900_000);
    /** Messages added to a conversation by a test, and the conversations whose activity that bumped. */
    private final Map<Long, List<Map<String, Object>>> addedMessages = new ConcurrentHashMap<>();
    private final Map<Long, Long> lastActivity = new ConcurrentHashMap<>();

    private enum Kind { USER, BOT, PLATFORM }

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
        lastActivity.put(conversationId, at);
        return id;
    }

    /** How many messages the sandbox generates in a conversation (before any a test adds): 45 in every 25th, else 0 to 4. */
    public static int generatedMessages(int conversationIndex) {
        return conversationIndex % 25 == 0 ? 45 : conversationIndex % 5;
    }

    public void rateLimitNext(int n, Integer retryAfterSeconds) {
        http.rateLimitNext(n, retryAfterSeconds);
    }

    public void failNext(int n, int status) {
        http.failNext(n, status);
    }

    public void revokeToken(String token) {
        revoked.add(token);
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
            if (kind == null) {
                unauthorized(exchange);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Matcher platform = PLATFORM_PATH.matcher(path);
            Matcher account = ACCOUNT_PATH.matcher(path);
            boolean isPlatformPath = platform.matches();
            if (isPlatformPath != (kind == Kind.PLATFORM)) {
                unauthorized(exchange);
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
        boolean botAllowed = rest.equals("/conversations") || messages.matches();
        if (kind == Kind.BOT && !botAllowed) {
            SandboxHttp.json(exchange, 403, Map.of("error", "You are not authorized to do this action"));
            return;
        }
        String method = exchange.getRequestMethod();
        if (messages.matches() && method.equals("POST")) {
            postMessage(exchange, accountId, Long.parseLong(messages.group(1)));
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
            default -> notFound(exchange);
        }
    }

    private void conversations(HttpExchange exchange, long accountId, YampiAccount data) throws IOException {
        Map<String, String> q = SandboxHttp.query(exchange);
        String status = q.getOrDefault("status", "open");
        int page = page(q);
        List<Map<String, Object>> matching = new ArrayList<>();
        int open = 0;
        for (int i = 1; i <= data.conversations(); i++) {
            String s = STATUSES[i % STATUSES.length];
            open += s.equals("open") ? 1 : 0;
            if (status.equals("all") || status.equals(s)) {
                matching.add(conversation(accountId, i, s, lastActivityAt(accountId, i)));
            }
        }
        List<Map<String, Object>> payload = slice(matching, page, CONVERSATIONS_PER_PAGE);
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
        long first = (long) (page - 1) * CONTACTS_PER_PAGE + 1;
        for (long i = first; i <= Math.min(data.contacts(), first + CONTACTS_PER_PAGE - 1); i++) {
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
        Long bumped = lastActivity.get(accountId * 100_000 + i);
        return bumped != null ? bumped : BASE_TIME + i * 3600L + 600;
    }

    private void postMessage(HttpExchange exchange, long accountId, long conversationId) throws IOException {
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
        message.put("message_type", "outgoing");
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

    private static Map<String, Object> conversation(long accountId, int i, String status, long lastActivityAt) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", accountId * 100_000 + i);
        c.put("account_id", accountId);
        c.put("inbox_id", accountId * 100 + i % 3 + 1);
        c.put("status", status);
        c.put("created_at", BASE_TIME + i * 3600L);
        c.put("last_activity_at", lastActivityAt);
        c.put("unread_count", i % 5);
        return c;
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

    private static void unauthorized(HttpExchange exchange) throws IOException {
        SandboxHttp.json(exchange, 401, Map.of("error", "Invalid Access Token"));
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        SandboxHttp.json(exchange, 404, Map.of("error", "Resource could not be found"));
    }
}
