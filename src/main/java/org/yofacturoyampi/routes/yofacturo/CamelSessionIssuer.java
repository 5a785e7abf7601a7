package org.yofacturoyampi.routes.yofacturo;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.yofacturoyampi.routes.delivery.FailureDescription;

/** Issues sessions through the {@code yofacturo-session-create} route, which posts the api key to YoFacturo. */
public final class CamelSessionIssuer implements SessionIssuer {

    private final ProducerTemplate producer;
    private final String sessionCreateUri;
    private final ObjectMapper json;

    public CamelSessionIssuer(ProducerTemplate producer, String sessionCreateUri, ObjectMapper json) {
        this.producer = producer;
        this.sessionCreateUri = sessionCreateUri;
        this.json = json;
    }

    @Override
    public YoFacturoSession issue() {
        byte[] answer;
        try {
            answer = producer.requestBody(sessionCreateUri, null, byte[].class);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof HttpOperationFailedException http && http.getStatusCode() == 401) {
                throw new ApiKeyRejectedException();
            }
            throw new IllegalStateException("sessions call to YoFacturo failed: " + FailureDescription.of(e.getCause()));
        }
        return parse(answer);
    }

    /** Parse errors never quote the body: it holds the session token. */
    private YoFacturoSession parse(byte[] answer) {
        try {
            JsonNode body = json.readTree(answer);
            String token = body.path("session_token").asText(null);
            String expiresAt = body.path("expires_at").asText(null);
            if (token == null || token.isBlank() || expiresAt == null) {
                throw new IllegalStateException("YoFacturo sessions answer lacks session_token or expires_at");
            }
            return new YoFacturoSession(token, Instant.parse(expiresAt));
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("YoFacturo sessions answer is not the documented JSON", null);
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("YoFacturo sessions answer has an expires_at that is not an ISO-8601 instant");
        }
    }
}
