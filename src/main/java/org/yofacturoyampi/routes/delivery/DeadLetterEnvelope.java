package org.yofacturoyampi.routes.delivery;

import static org.yofacturoyampi.routes.RouteVariables.PATH;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
import org.yofacturoyampi.routes.paging.AnswerTooLargeException;
import org.yofacturoyampi.routes.paging.PageReader;

/**
 * Turns an answer that could not be read into a dead letter: one JSON object with the feed, the request path and
 * page (never a credential: those travel in headers, which are dropped), the error, and the raw body as text.
 */
public final class DeadLetterEnvelope {

    public static final String HEADER_FEED = "DeadLetterFeed";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterEnvelope.class);

    private final ObjectMapper json;
    private final int maxBodyBytes;

    /** @param maxBodyBytes the most of an answer's body a dead letter keeps (dead-letter.max-body-bytes) */
    public DeadLetterEnvelope(ObjectMapper json, int maxBodyBytes) {
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void wrap(Exchange exchange) throws JsonProcessingException, CharacterCodingException {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        byte[] raw = tooLarge(cause) != null ? null : exchange.getMessage().getBody(byte[].class);
        SyncReport report = SyncReport.of(exchange);
        String feed = report != null ? report.feed() : exchange.getFromRouteId();
        String path = exchange.getVariable(PATH, String.class);
        Object page = exchange.getVariable(PageReader.PAGE);

        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("feed", feed);
        letter.put("path", path);
        letter.put("page", page);
        letter.put("error", FailureDescription.of(cause));
        letter.put("received_at", Instant.now().toString());
        AnswerTooLargeException tooLarge = tooLarge(cause);
        if (tooLarge != null) {
            // never the body: only that it was too large, how large, and a hash of what was read
            letter.put("body_bytes", "more than " + tooLarge.limit());
            letter.put("content_length", tooLarge.declaredLength() < 0 ? null : tooLarge.declaredLength());
            letter.put("sha256_of_first_bytes", tooLarge.sha256OfRead());
            letter.put("body", null);
        } else if (raw != null && raw.length > maxBodyBytes) {
            letter.put("body_bytes", raw.length);
            letter.put("body_sha256", HexFormat.of().formatHex(sha256(raw)));
            letter.put("body_truncated_to", maxBodyBytes);
            letter.put("body", StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.IGNORE)
                    .decode(ByteBuffer.wrap(raw, 0, maxBodyBytes)).toString());
        } else {
            letter.put("body", raw == null ? null : new String(raw, StandardCharsets.UTF_8));
        }

        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(HEADER_FEED, feed);
        exchange.getMessage().setBody(json.writeValueAsString(letter));
        LOG.warn("{}: page {} of {} is not the documented JSON ({}); sent to the dead letters, the walk goes on",
                feed, page, path, FailureDescription.of(cause));
        if (report != null) {
            report.deadLetter("page " + page + " of " + path + " is not the documented JSON: dead letter");
        }
    }

    private static AnswerTooLargeException tooLarge(Throwable cause) {
        for (Throwable t = cause; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof AnswerTooLargeException tooLarge) {
                return tooLarge;
            }
        }
        return null;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
