package org.yofacturoyampi.routes.yampi;

import java.io.IOException;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * Why Yampi refused a request, read from its answer's {@code {"error": "..."}} body (upstream, Chatwoot, answers 401
 * for a refused token and for several refusals that concern one account or one resource). The body is hostile: only its
 * first {@value #READ_MAX} characters are read, and what is echoed is capped at {@value #ECHO_MAX} characters with
 * control and formatting characters escaped, so it stays one line in a log.
 */
public record RefusalReason(String error) {

    static final int READ_MAX = 65_536;
    static final int ECHO_MAX = 120;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The only bodies that mean the token itself is refused: {@code /api/v1} and {@code /platform/api/v1}. */
    private static final Set<String> TOKEN_REFUSED = Set.of("Invalid Access Token", "Invalid access_token");
    /** Refusals of one account: the token's user does not belong to it; a platform app did not create it. */
    private static final Set<String> ACCOUNT_REFUSED = Set.of("You are not authorized to access this account",
            "Non permissible resource");

    public static RefusalReason of(HttpOperationFailedException refusal) {
        String body = refusal == null ? null : refusal.getResponseBody();
        if (body == null || body.isBlank()) {
            return new RefusalReason("");
        }
        String head = body.length() > READ_MAX ? body.substring(0, READ_MAX) : body;
        try {
            JsonNode error = JSON.readTree(head).path("error");
            if (error.isTextual()) {
                return new RefusalReason(error.asText());
            }
        } catch (IOException notJson) {
            // kept as text below
        }
        return new RefusalReason(head);
    }

    public boolean isTokenRefused() {
        return TOKEN_REFUSED.contains(error.trim());
    }

    public boolean isAccountRefused() {
        return ACCOUNT_REFUSED.contains(error.trim());
    }

    /** The error as it may be put in a log line: one line, at most {@value #ECHO_MAX} characters, escaped. */
    public String printable() {
        if (error.isBlank()) {
            return "no reason given";
        }
        StringBuilder out = new StringBuilder();
        int[] codePoints = error.strip().codePoints().toArray();
        for (int i = 0; i < codePoints.length; i++) {
            if (out.length() >= ECHO_MAX) {
                return out.append("... (").append(codePoints.length - i).append(" more characters)").toString();
            }
            int c = codePoints[i];
            int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED
                    || type == Character.PRIVATE_USE || type == Character.SURROGATE) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        }
        return out.toString();
    }
}
