package org.yofacturoyampi.routes.yampi;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.delivery.DeliveryState;
import org.yofacturoyampi.routes.paging.ApiRecord;
import org.yofacturoyampi.routes.paging.UnexpectedAnswerException;
import org.yofacturoyampi.routes.RouteVariables;

/**
 * Reads the messages of one conversation with upstream's cursor (routes/yampi-conversation-messages.yaml): the first
 * time, the latest page and then {@code before=<oldest>} back to the start or to the horizon (at most
 * {@code maxPages} pages), delivered oldest first once all are read; afterwards {@code after=<last message delivered>},
 * up to a full page a call, until a shorter page (at most {@code maxPages} a poll). The last message id delivered is
 * kept per conversation in the tenant's delivery state (under {@code message-cursor/<account>/<conversation>}), moved
 * past a message only once the downstream accepted it; {@code 0} means "read, no message yet".
 * <p>
 * Reads the exchange variables {@code accountId} and {@code yampiRecordId} (the conversation's id); sets {@code path}
 * and {@code query} for {@code direct:yampi-get-page}. Ids from the API steer a URL and a file path, so only plain
 * numbers are accepted.
 */
public final class ConversationMessages {

    /** The name of the resource in YAMPI_RESOURCES and the catalogue. */
    public static final String RESOURCE = "messages";
    public static final String CONVERSATION_ID = RouteVariables.CONVERSATION_ID;
    public static final String NEXT_QUERY = RouteVariables.MESSAGES_QUERY;
    private static final String CURSOR_KEY = "message-cursor/";
    private static final String PAGES = "messagesPages";
    private static final String OLDER = "olderMessages";
    private static final String DONE = "messagesDone";
    private static final String TO_DELIVER = "messagesToDeliver";
    private static final String SKIPPED = "messagesSkipped";
    private static final Logger LOG = LoggerFactory.getLogger(ConversationMessages.class);
    private static final Pattern PLAIN_ID = Pattern.compile("[0-9]{1,18}");

    private final Function<Exchange, DeliveryState> state;
    private final Predicate<Exchange> readsMessages;
    private final ObjectMapper json;
    private final String pathTemplate;
    private final String recordsPointer;
    private final int latestPageSize;
    private final int afterPageSize;
    private final int maxPages;
    private final Set<String> unreadable = ConcurrentHashMap.newKeySet();

    /**
     * @param state          the delivery state of the exchange's tenant
     * @param readsMessages  whether the exchange's tenant polls messages
     * @param pathTemplate   the messages path, with {@code {account_id}} and {@code {conversation_id}}
     * @param recordsPointer JSON pointer to the messages in an answer
     * @param latestPageSize how many the latest page and a {@code before=} page hold (upstream: 20)
     * @param afterPageSize  how many an {@code after=} page holds at most (upstream: 100)
     * @param maxPages       the most pages read per conversation and poll (the first read's horizon)
     */
    public ConversationMessages(Function<Exchange, DeliveryState> state, Predicate<Exchange> readsMessages,
            ObjectMapper json, String pathTemplate, String recordsPointer, int latestPageSize, int afterPageSize,
            int maxPages) {
        this.state = state;
        this.readsMessages = readsMessages;
        this.json = json;
        this.pathTemplate = pathTemplate;
        this.recordsPointer = recordsPointer;
        this.latestPageSize = latestPageSize;
        this.afterPageSize = afterPageSize;
        this.maxPages = maxPages;
    }

    /** Whether the record at hand is a conversation whose messages are read (its tenant polls messages). */
    public boolean wanted(Exchange exchange) {
        return "conversations".equals(exchange.getVariable(RouteVariables.RESOURCE, String.class))
                && readsMessages.test(exchange);
    }

    /** A conversation delivered before its messages were polled (messages just turned on): read them once. */
    public boolean neverRead(Exchange exchange) {
        return wanted(exchange) && cursor(exchange, conversationId(exchange)) == null;
    }

    /**
     * Starts reading one conversation's messages: from the cursor, or the first time from the latest page back. A
     * conversation whose id is not a plain number is not asked (its id would steer the URL and the files): one WARN.
     */
    public void start(Exchange exchange) {
        String conversation = conversationId(exchange);
        exchange.removeVariable(NEXT_QUERY);
        if (!PLAIN_ID.matcher(conversation).matches()) {
            String shown = conversation.length() > 40 ? conversation.substring(0, 40) + "..." : conversation;
            shown = shown.replaceAll("[^A-Za-z0-9._-]", "?");
            if (unreadable.add(accountId(exchange) + "/" + conversation)) {
                LOG.warn("Yampi account {}: conversation '{}' has an id that is not a plain number; its messages are "
                        + "not read", accountId(exchange), shown);
            }
            exchange.setVariable(SKIPPED, true);
            return;
        }
        exchange.removeVariable(SKIPPED);
        exchange.removeVariable(TO_DELIVER);
        exchange.setVariable(CONVERSATION_ID, conversation);
        exchange.setVariable(RouteVariables.PATH, pathTemplate.replace("{account_id}", accountId(exchange))
                .replace("{conversation_id}", conversation));
        String cursor = cursor(exchange, conversation);
        exchange.setVariable(NEXT_QUERY, cursor == null ? "" : "after=" + cursor);
        exchange.setVariable(PAGES, 0);
        exchange.removeVariable(DONE);
        if (cursor == null) {
            exchange.setVariable(OLDER, new TreeMap<Long, ApiRecord>());
        } else {
            exchange.removeVariable(OLDER);
        }
    }

    /** The query of the page about to be asked. */
    public void request(Exchange exchange) {
        aboutConversation(exchange);
        String query = exchange.getVariable(NEXT_QUERY, String.class);
        exchange.setVariable(RouteVariables.QUERY, query);
        // what a dead letter names as the page
        exchange.setVariable(RouteVariables.PAGE, query.isEmpty() ? "latest" : query);
        exchange.setVariable(PAGES, exchange.getVariable(PAGES, 0, Integer.class) + 1);
    }

    /** Whether a message read is still to be delivered. */
    public boolean hasMessageToDeliver(Exchange exchange) {
        Deque<?> left = exchange.getVariable(TO_DELIVER, Deque.class);
        return left != null && !left.isEmpty();
    }

    /** The body becomes the next message to deliver (an {@link ApiRecord}), oldest first. */
    public void takeMessage(Exchange exchange) {
        exchange.getMessage().setBody(exchange.getVariable(TO_DELIVER, Deque.class).poll());
    }

    /**
     * Reads one answer; the messages to deliver now, oldest first, are those {@link #takeMessage} gives: after the
     * cursor, the page's messages; on a first read, nothing until the walk back ends, then all it found. Sets the next
     * query, or removes it when this conversation is read for this poll.
     */
    @SuppressWarnings("unchecked")
    public void read(Exchange exchange) throws IOException {
        List<ApiRecord> page = parse(exchange.getMessage().getBody(byte[].class));
        int pages = exchange.getVariable(PAGES, 1, Integer.class);
        TreeMap<Long, ApiRecord> older = exchange.getVariable(OLDER, TreeMap.class);
        if (older == null) {
            long cursor = Long.parseLong(cursor(exchange, exchange.getVariable(CONVERSATION_ID, String.class)));
            List<ApiRecord> fresh = page.stream().filter(r -> Long.parseLong(r.getId()) > cursor).toList();
            boolean full = page.size() >= afterPageSize;
            if (full && pages < maxPages && !fresh.isEmpty()) {
                exchange.setVariable(NEXT_QUERY, "after=" + fresh.get(fresh.size() - 1).getId());
            } else {
                exchange.removeVariable(NEXT_QUERY);
                exchange.setVariable(DONE, !full || fresh.isEmpty());
            }
            exchange.setVariable(TO_DELIVER, new ArrayDeque<>(fresh));
            return;
        }
        Long oldestBefore = older.isEmpty() ? null : older.firstKey();
        page.forEach(r -> older.putIfAbsent(Long.parseLong(r.getId()), r));
        // every loop ends: a page that brings nothing older than what was read ends the walk back, as does the horizon
        boolean progress = !older.isEmpty() && (oldestBefore == null || older.firstKey() < oldestBefore);
        if (page.size() >= latestPageSize && progress && pages < maxPages) {
            exchange.setVariable(NEXT_QUERY, "before=" + older.firstKey());
        } else {
            exchange.removeVariable(NEXT_QUERY);
            exchange.removeVariable(OLDER);
            exchange.setVariable(DONE, true);
            exchange.setVariable(TO_DELIVER, new ArrayDeque<>(older.values()));
        }
    }

    /** Called once the downstream accepted a message: the cursor moves past it. */
    public void delivered(Exchange exchange) {
        mark(exchange, exchange.getVariable(CONVERSATION_ID, String.class),
                exchange.getVariable(RouteVariables.MESSAGE_ID, String.class));
    }

    /**
     * Ends a conversation's read: a conversation read for the first time without messages is marked read; one whose
     * new messages were not all read (more than the pages a poll reads, or a shutdown) fails, so the conversation stays
     * pending and the next poll reads on from the cursor.
     */
    public void finish(Exchange exchange) {
        if (exchange.getVariable(SKIPPED, false, Boolean.class)) {
            return;
        }
        String conversation = exchange.getVariable(CONVERSATION_ID, String.class);
        aboutConversation(exchange);
        if (!exchange.getVariable(DONE, false, Boolean.class) || hasMessageToDeliver(exchange)) {
            throw new MessagesLeftException("conversation " + conversation + ": its new messages fill more than "
                    + "YAMPI_MESSAGES_MAX_PAGES (" + maxPages + ") pages, or the app stopped while reading them; the "
                    + "rest are read at the next poll");
        }
        if (cursor(exchange, conversation) == null) {
            mark(exchange, conversation, "0");
        }
    }

    /** Where the default file sink puts a message under its account. */
    public String recordPath(Exchange exchange) {
        return "conversations/" + exchange.getVariable(CONVERSATION_ID, String.class) + "/messages/"
                + exchange.getVariable(RouteVariables.MESSAGE_ID, String.class);
    }

    private List<ApiRecord> parse(byte[] body) throws IOException {
        if (body == null || body.length == 0) {
            throw new UnexpectedAnswerException("a messages answer is empty, expected JSON");
        }
        JsonNode answer;
        try {
            answer = json.readTree(body);
        } catch (IOException e) {
            throw new UnexpectedAnswerException("a messages answer is not JSON (" + body.length + " bytes)");
        }
        JsonNode found = answer.at(recordsPointer);
        if (!found.isArray()) {
            throw new UnexpectedAnswerException("a messages answer has no list at '" + recordsPointer + "'");
        }
        List<ApiRecord> records = new ArrayList<>();
        for (JsonNode message : found) {
            JsonNode id = message.get("id");
            String text = id == null ? "" : id.isIntegralNumber() ? id.asText() : id.isTextual() ? id.asText() : "";
            if (!PLAIN_ID.matcher(text).matches()) {
                throw new UnexpectedAnswerException("a message has no plain number as its 'id'");
            }
            String plain = String.valueOf(Long.parseLong(text)); // a plain number is its own safe name
            records.add(new ApiRecord(plain, plain, json.writeValueAsString(message)));
        }
        records.sort(Comparator.comparingLong(r -> Long.parseLong(r.getId())));
        return records;
    }

    /** A failure from here on is about the conversation's messages, not one message (for the WARN line). */
    private static void aboutConversation(Exchange exchange) {
        exchange.setVariable(RouteVariables.RECORD_KIND, "messages of Yampi conversation");
        exchange.setVariable(RouteVariables.RECORD_ID,
                accountId(exchange) + "/" + exchange.getVariable(CONVERSATION_ID, String.class));
    }

    private String cursor(Exchange exchange, String conversation) {
        return state.apply(exchange).recorded(CURSOR_KEY + accountId(exchange) + "/" + conversation);
    }

    private void mark(Exchange exchange, String conversation, String messageId) {
        state.apply(exchange).add(CURSOR_KEY + accountId(exchange) + "/" + conversation + "\t" + messageId);
    }

    private static String conversationId(Exchange exchange) {
        return exchange.getVariable(RouteVariables.YAMPI_RECORD_ID, String.class);
    }

    private static String accountId(Exchange exchange) {
        return exchange.getVariable(RouteVariables.ACCOUNT_ID, String.class);
    }
}
