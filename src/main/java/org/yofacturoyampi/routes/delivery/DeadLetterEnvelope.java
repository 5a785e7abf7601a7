package org.yofacturoyampi.routes.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yofacturoyampi.routes.trigger.SyncReport;
import org.yofacturoyampi.routes.paging.PageReader;

/**
 * Turns an answer that could not be read into a dead letter: one JSON object with the feed, the request path and
 * page (never a credential: those travel in headers, which are dropped), the error, and the raw body as text.
 */
public final class DeadLetterEnvelope {

    public static final String HEADER_FEED = "DeadLetterFeed";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterEnvelope.class);

    private final ObjectMapper json;

    public DeadLetterEnvelope(ObjectMapper json) {
        this.json = json;
    }

    public void wrap(Exchange exchange) throws JsonProcessingException {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        SyncReport report = SyncReport.of(exchange);
        String feed = report != null ? report.feed() : exchange.getFromRouteId();
        String path = exchange.getVariable("path", String.class);
        Object page = exchange.getVariable(PageReader.PAGE);

        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("feed", feed);
        letter.put("path", path);
        letter.put("page", page);
        letter.put("error", FailureDescription.of(cause));
        letter.put("received_at", Instant.now().toString());
        letter.put("body", raw == null ? null : new String(raw, StandardCharsets.UTF_8));

        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(HEADER_FEED, feed);
        exchange.getMessage().setBody(json.writeValueAsString(letter));
        LOG.warn("{}: page {} of {} is not the documented JSON ({}); sent to the dead letters, the walk goes on",
                feed, page, path, FailureDescription.of(cause));
        if (report != null) {
            report.deadLetter("page " + page + " of " + path + " is not the documented JSON: dead letter");
        }
    }
}
