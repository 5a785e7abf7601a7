package org.yofacturoyampi.routes;

/**
 * The message headers that both the routes (routes/*.yaml, and the endpoint URIs config/application.properties gives
 * them) and the Java name: the one place their names are spelt on the Java side. The route files spell them as text
 * ({@code setHeader: name: SyncFeed}, {@code ${header.YampiAccountId}}); RouteContractTest fails if a header both
 * sides use is not here, if the Java spells one anywhere else, or if one here is named by no route. Many are what a
 * downstream receives (README, "Downstreams"): a name here is never changed, only spelt once. Camel's own headers
 * ({@code CamelHttpResponseCode} ...) are named by Camel's {@code Exchange}, not here.
 */
public final class RouteHeaders {

    /** {@value}: the feed a sync run is for (FeedRuns), set by whoever sends to direct:sync. */
    public static final String SYNC_FEED = "SyncFeed";
    /** {@value}: what started a sync run (file, topic, http, schedule, run once), in its report and logs. */
    public static final String SYNC_TRIGGER = "SyncTrigger";
    /** {@value}: how a sync run ended ({@code ok}, {@code errors}), or {@code refused} for a trigger refused. */
    public static final String SYNC_OUTCOME = "SyncOutcome";
    /** {@value}: where the HTTP trigger's 202 answer says the run's report will be. */
    public static final String LOCATION = "Location";

    /** {@value}: the Yampi account a record or a message is about. */
    public static final String YAMPI_ACCOUNT_ID = "YampiAccountId";
    /** {@value}: the Yampi conversation of a message read or sent. */
    public static final String YAMPI_CONVERSATION_ID = "YampiConversationId";
    /** {@value}: the Yampi message a POST created. */
    public static final String YAMPI_MESSAGE_ID = "YampiMessageId";
    /** {@value}: the Yampi tenant's folder under the output folder (the default sink's file path). */
    public static final String YAMPI_OUTPUT_PATH = "YampiOutputPath";

    /** {@value}: the YoFacturo invoice batch, as YoFacturo gives its id. */
    public static final String YOFACTURO_INVOICE_BATCH_ID = "YoFacturoInvoiceBatchId";
    /** {@value}: the YoFacturo tenant's folder under the output folder (the default sinks' file paths). */
    public static final String YOFACTURO_OUTPUT_PATH = "YoFacturoOutputPath";
    /** {@value}: whether YoFacturo took only some invoices of a submitted batch. */
    public static final String YOFACTURO_PARTIAL_SUCCESS = "YoFacturoPartialSuccess";
    /** {@value}: the safe file name of a submission's answer or error. */
    public static final String YOFACTURO_SUBMISSION_NAME = "YoFacturoSubmissionName";

    private RouteHeaders() {
    }
}
