package org.yofacturoyampi.routes.trigger;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    /** @param maxBytes the largest trigger file read (triggers.max-bytes; the HTTP server has camel.server.max-body-size) */
    public SyncTriggers(ProducerTemplate template, ObjectMapper json, long maxBytes) {
        this.template = template;
        this.json = json;
        this.maxBytes = maxBytes;
    }

    /** @param trigger how the run was asked for, for the report and the log, e.g. "file t.json" or "http" */
    public void run(Exchange exchange, String trigger) {
        if (exchange.getMessage().getBody() instanceof Map) {
            throw new BadTriggerException("the trigger came as a form; send the JSON with Content-Type: application/json");
        }
        Long size = exchange.getMessage().getHeader(Exchange.FILE_LENGTH, Long.class);
        if (size != null && size > maxBytes) {
            throw new BadTriggerException("the trigger is " + size + " bytes, more than triggers.max-bytes ("
                    + maxBytes + "); send {\"feed\": \"<feed>\"} or {\"feed\": \"<feed>\", \"account\": \"<id>\"}");
        }
        SyncRequest request = SyncRequest.parse(exchange.getMessage().getBody(String.class), json);
        Exchange run = template.send("direct:sync", e -> {
            e.getMessage().setHeader(FeedRuns.FEED, request.feed());
            e.getMessage().setHeader(FeedRuns.ACCOUNT, request.account());
            e.getMessage().setHeader(FeedRuns.TRIGGER, trigger);
        });
        if (run.getException() instanceof BadTriggerException bad) {
            throw bad;
        }
        if (run.getException() != null) {
            throw new IllegalStateException("the run of '" + UntrustedText.echo(request.feed()) + "' failed: "
                    + run.getException().getMessage());
        }
        exchange.getMessage().setBody(run.getMessage().getBody(String.class));
        exchange.getMessage().setHeader("SyncOutcome", run.getMessage().getHeader("SyncOutcome"));
    }

    /** After a refused trigger: one WARN line, and the answer {"error": "..."} as the body. */
    public void refused(Exchange exchange, String trigger) throws Exception {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        // the message echoes what the trigger sent (capped, escaped), the file name too: one line each, never forged
        String message = UntrustedText.echo(cause == null ? "refused" : cause.getMessage(), MAX_MESSAGE);
        LOG.warn("sync trigger refused ({}): {}", UntrustedText.echo(trigger), message);
        exchange.getMessage().setBody(json.writeValueAsString(Map.of("error", message)));
        exchange.getMessage().setHeader("SyncOutcome", "refused");
    }
}
