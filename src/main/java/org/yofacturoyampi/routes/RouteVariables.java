package org.yofacturoyampi.routes;

/**
 * The exchange variables that both the route files (routes/*.yaml) and the Java name: the one place their names are
 * spelt on the Java side. The route files spell them as text ({@code ${variable.tenant}}); RouteContractTest fails if
 * a variable both sides use is not here, if the Java spells one as a literal, or if one here is named by no route file.
 */
public final class RouteVariables {

    /** {@value}: the API an HTTP route calls ({@code yofacturo}, {@code yampi}): the shared error clauses run its beans. */
    public static final String API = "api";
    /** {@value}: the tenant an exchange works for (Tenants); unset: the first. */
    public static final String TENANT = "tenant";
    /** {@value}: the Yampi resource a walk reads. */
    public static final String RESOURCE = "resource";
    /** {@value}: the Yampi account a walk or a message is about. */
    public static final String ACCOUNT_ID = "accountId";
    /** {@value}: the Yampi accounts of a feed run. */
    public static final String ACCOUNT_IDS = "accountIds";
    /** {@value}: the feed's entry route of a sync run (FeedRuns). */
    public static final String FEED_ENTRY = "feedEntry";
    /** {@value}: the path of the next request. */
    public static final String PATH = "path";
    /** {@value}: the query of the next request. */
    public static final String QUERY = "query";
    /** {@value}: the page asked for (PageReader). */
    public static final String PAGE = "page";
    /** {@value}: whether a walk has a page after this one (PageReader). */
    public static final String NEXT_PAGE = "nextPage";
    /** {@value}: the id of the record at hand, as the API gives it (OpenRecord). */
    public static final String API_RECORD_ID = "apiRecordId";
    /** {@value}: the record at hand's name in logs (OpenRecord). */
    public static final String API_RECORD_NAME = "apiRecordName";
    /** {@value}: the id a record is delivered and marked under (RecordKey). */
    public static final String RECORD_ID = "recordId";
    /** {@value}: what kind of record is being delivered (DeliveryFailureLog). */
    public static final String RECORD_KIND = "recordKind";
    /** {@value}: whether a record is new or changed (DeliveryStateRepository). */
    public static final String RECORD_CHANGE = "recordChange";
    /** {@value}: the id of the Yampi record at hand. */
    public static final String YAMPI_RECORD_ID = "yampiRecordId";
    /** {@value}: the Yampi record at hand's name in logs. */
    public static final String YAMPI_RECORD_NAME = "yampiRecordName";
    /** {@value}: the YoFacturo invoice batch whose invoices are read. */
    public static final String BATCH_ID = "batchId";
    /** {@value}: the Idempotency-Key of a submission's POST. */
    public static final String IDEMPOTENCY_KEY = "idempotencyKey";
    /** {@value}: the Yampi conversation whose messages are read or posted to. */
    public static final String CONVERSATION_ID = "conversationId";
    /** {@value}: the Yampi message at hand. */
    public static final String MESSAGE_ID = "messageId";
    /** {@value}: the cursor query of a conversation's next page of messages (ConversationMessages). */
    public static final String MESSAGES_QUERY = "messagesQuery";
    /** {@value}: whether an inbound message's last allowed attempt failed (InboundAttempts). */
    public static final String ATTEMPTS_EXHAUSTED = "attemptsExhausted";

    private RouteVariables() {
    }
}
