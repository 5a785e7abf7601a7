package org.yofacturoyampi.routes.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yofacturoyampi.routes.UntrustedText;

/**
 * What a trigger asks for: {@code {"feed": "yampi-contacts", "account": "1"}}; {@code account} is optional (Yampi
 * feeds only; without it every configured account is synced).
 */
public record SyncRequest(String feed, String account) {

    public static SyncRequest parse(String body, ObjectMapper json) {
        JsonNode node;
        try {
            node = json.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new BadTriggerException("the trigger is not JSON (" + UntrustedText.echo(e.getOriginalMessage())
                    + "); send {\"feed\": \"<feed>\"} or {\"feed\": \"<feed>\", \"account\": \"<id>\"}");
        }
        if (node == null || !node.isObject() || !node.path("feed").isTextual() || node.path("feed").asText().isBlank()) {
            throw new BadTriggerException("the trigger names no feed; send {\"feed\": \"<feed>\"} or "
                    + "{\"feed\": \"<feed>\", \"account\": \"<id>\"}");
        }
        JsonNode account = node.path("account");
        String accountId = account.isMissingNode() || account.isNull() ? null : account.asText().trim();
        return new SyncRequest(node.path("feed").asText().trim(), accountId == null || accountId.isEmpty() ? null : accountId);
    }
}
