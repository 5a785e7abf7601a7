package org.yofacturoyampi.routes.yofacturo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Holds the organisation's api key, the one secret that only the sessions call may carry. Never printed. */
public final class YoFacturoCredentials {

    private final String apiKey;
    private final ObjectMapper json;

    public YoFacturoCredentials(String apiKey, ObjectMapper json) {
        this.apiKey = apiKey == null ? "" : apiKey.trim();
        this.json = json;
    }

    public boolean isConfigured() {
        return !apiKey.isEmpty();
    }

    /** The body of {@code POST /api/v1/auth/sessions}. */
    public String sessionRequestBody() throws JsonProcessingException {
        return json.writeValueAsString(java.util.Map.of("api_key", apiKey));
    }

    @Override
    public String toString() {
        return "YoFacturoCredentials[apiKey=***]";
    }
}
