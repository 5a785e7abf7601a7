package org.yofacturoyampi.routes.yofacturo;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.yofacturoyampi.routes.delivery.FailureDescription;
import org.yofacturoyampi.routes.tenant.Tenants;

/** Issues sessions through the {@code yofacturo-session-create} route, which posts the api key to YoFacturo. */
public final class CamelSessionIssuer implements SessionIssuer {

    private final ProducerTemplate producer;
    private final String sessionCreateUri;
    private final ObjectMapper json;
    private final String tenant;

    /** @param tenant the organisation whose session this is (the exchange variable {@code tenant} of the call) */
    public CamelSessionIssuer(ProducerTemplate producer, String sessionCreateUri, ObjectMapper json, String tenant) {
        this.producer = producer;
        this.sessionCreateUri = sessionCreateUri;
        this.json = json;
        this.tenant = tenant;
    }

    @Override
    public YoFacturoSession issue() {
        Exchange call = producer.send(sessionCreateUri, e -> e.setVariable(Tenants.VARIABLE, tenant));
        Throwable failure = call.getException();
        if (failure instanceof HttpOperationFailedException http && http.getStatusCode() == 401) {
            throw new ApiKeyRejectedException();
        }
        if (failure != null) {
            throw new IllegalStateException("sessions call to YoFacturo failed: " + FailureDescription.of(failure));
        }
        return parse(call.getMessage().getBody(byte[].class));
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
