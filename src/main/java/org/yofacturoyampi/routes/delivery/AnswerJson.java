package org.yofacturoyampi.routes.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import org.apache.camel.http.base.HttpOperationFailedException;

/** Text that should be JSON, kept whatever it is: parsed when it is JSON, as a string when not, so nothing is lost. */
public final class AnswerJson {

    private AnswerJson() {
    }

    public static JsonNode parseOrText(ObjectMapper json, String text) {
        if (text == null) {
            return NullNode.getInstance();
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return json.getNodeFactory().textNode(text);
        }
    }

    /** The error an API answered: its {@code error} field when the body has one, else the whole body. */
    public static JsonNode errorOf(ObjectMapper json, HttpOperationFailedException refusal) {
        JsonNode body = parseOrText(json, refusal == null ? null : refusal.getResponseBody());
        return body.has("error") ? body.get("error") : body;
    }
}
