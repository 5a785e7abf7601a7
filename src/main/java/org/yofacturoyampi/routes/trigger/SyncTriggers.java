package org.yofacturoyampi.routes.trigger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.RouteHeaders;
import org.yofacturoyampi.routes.UntrustedText;

/**
 * Runs the feed a trigger (a dropped file, an HTTP POST) asks for, through {@code direct:sync}, in an exchange of its
 * own so the run cannot disturb the trigger's message; the trigger's body becomes the run's report.
 */
public final class SyncTriggers {

    private static final Logger LOG = LoggerFactory.getLogger(SyncTriggers.class);

    /** A refusal's message: the valid feeds and an echo of at most UntrustedText.ECHO characters of the request. */
    private static final int MAX_MESSAGE = 2000;

    private final ProducerTemplate template;
    private final ObjectMapper json;
    private final long maxBytes;
    private final FeedRuns feeds;
    private final Executor runner;
    private final String reportPath;

    /**
     * @param maxBytes   the largest trigger file read (triggers.max-bytes; the HTTP server has camel.server.max-body-size)
     * @param runner     where the runs HTTP requests ask for run, so no server worker waits for one
     * @param reportPath where a run's report is asked for: reportPath/run id
     */
    public SyncTriggers(ProducerTemplate template, ObjectMapper json, long maxBytes, FeedRuns feeds, Executor runner,
            String reportPath) {
        this.template = template;
        this.json = json;
        this.maxBytes = maxBytes;
        this.feeds = feeds;
        this.runner = runner;
        this.reportPath = reportPath;
    }

    /**
     * An HTTP request for a run: answered at once, 202 with the run's id and where its report will be (Location). A
     * run of the same feed and account already queued or under way is joined instead of starting another.
     */
    public void start(Exchange exchange, String trigger) throws Exception {
        SyncRequest request = request(exchange);
        feeds.check(request.feed(), request.account());
        FeedRuns.Joined run = feeds.join(request.feed(), request.account(), id -> runner.execute(() ->
                template.send("direct:sync", e -> {
                    e.getMessage().setHeader(RouteHeaders.SYNC_FEED, request.feed());
                    e.getMessage().setHeader(FeedRuns.ACCOUNT, request.account());
                    e.getMessage().setHeader(RouteHeaders.SYNC_TRIGGER, trigger);
                    e.getMessage().setHeader(FeedRuns.RUN_ID, id);
                })));
        String location = reportPath + "/" + run.id();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("run", run.id());
        answer.put("feed", request.feed());
        if (request.account() != null) {
            answer.put("account", request.account());
        }
        answer.put("joined", run.joined());
        answer.put("report", location);
        if (run.joined()) {
            LOG.debug("{} ({}): run {} joined", request.feed(), trigger, run.id());
        } else {
            LOG.info("{} ({}): run {} queued", request.feed(), trigger, run.id());
        }
        exchange.getMessage().setBody(json.writeValueAsString(answer));
        exchange.getMessage().setHeader(RouteHeaders.LOCATION, location);
    }

    /** GET reportPath/{run}: 200 and the report once the run is done, 202 while it is not, 404 if unknown. */
    public void report(Exchange exchange) throws Exception {
        String id = exchange.getMessage().getHeader("run", String.class);
        Optional<String> report = id == null || !id.matches("[0-9a-f-]{36}") ? Optional.empty() : feeds.report(id);
        if (report.isEmpty()) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            exchange.getMessage().setBody(json.writeValueAsString(Map.of("error", "no run '" + UntrustedText.echo(id)
                    + "' (the reports of the latest runs asked for are kept: triggers.kept-reports)")));
        } else if (FeedRuns.QUEUED.equals(report.get()) || FeedRuns.RUNNING.equals(report.get())) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
            exchange.getMessage().setBody(json.writeValueAsString(Map.of("run", id, "state", report.get())));
        } else {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            exchange.getMessage().setBody(report.get());
        }
    }

    private SyncRequest request(Exchange exchange) {
        if (exchange.getMessage().getBody() instanceof Map) {
            throw new BadTriggerException("the trigger came as a form; send the JSON with Content-Type: application/json");
        }
        Long size = exchange.getMessage().getHeader(Exchange.FILE_LENGTH, Long.class);
        if (size != null && size > maxBytes) {
            throw new BadTriggerException("the trigger is " + size + " bytes, more than triggers.max-bytes ("
                    + maxBytes + "); send {\"feed\": \"<feed>\"} or {\"feed\": \"<feed>\", \"account\": \"<id>\"}");
        }
        return SyncRequest.parse(exchange.getMessage().getBody(String.class), json);
    }

    /**
     * A trigger file: runs the feed now, in this thread, and leaves the report as the body.
     *
     * @param trigger how the run was asked for, for the report and the log, e.g. "file t.json"
     */
    public void run(Exchange exchange, String trigger) {
        SyncRequest request = request(exchange);
        Exchange run = template.send("direct:sync", e -> {
            e.getMessage().setHeader(RouteHeaders.SYNC_FEED, request.feed());
            e.getMessage().setHeader(FeedRuns.ACCOUNT, request.account());
            e.getMessage().setHeader(RouteHeaders.SYNC_TRIGGER, trigger);
        });
        if (run.getException() instanceof BadTriggerException bad) {
            throw bad;
        }
        if (run.getException() != null) {
            throw new IllegalStateException("the run of '" + UntrustedText.echo(request.feed()) + "' failed: "
                    + run.getException().getMessage());
        }
        exchange.getMessage().setBody(run.getMessage().getBody(String.class));
        exchange.getMessage().setHeader(RouteHeaders.SYNC_OUTCOME,
                run.getMessage().getHeader(RouteHeaders.SYNC_OUTCOME));
    }

    /** After a refused trigger: one WARN line, and the answer {"error": "..."} as the body. */
    public void refused(Exchange exchange, String trigger) throws Exception {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        // the message echoes what the trigger sent (capped, escaped), the file name too: one line each, never forged
        String message = UntrustedText.echo(cause == null ? "refused" : cause.getMessage(), MAX_MESSAGE);
        LOG.warn("sync trigger refused ({}): {}", UntrustedText.echo(trigger), message);
        exchange.getMessage().setBody(json.writeValueAsString(Map.of("error", message)));
        exchange.getMessage().setHeader(RouteHeaders.SYNC_OUTCOME, "refused");
    }
}
