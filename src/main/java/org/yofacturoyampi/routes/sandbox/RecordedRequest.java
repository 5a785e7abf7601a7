package org.yofacturoyampi.routes.sandbox;

import java.util.Map;

/** A request the sandbox received; header names in lower case. */
public record RecordedRequest(String method, String path, String query, Map<String, String> headers) {

    public String header(String name) {
        return headers.get(name.toLowerCase());
    }
}
