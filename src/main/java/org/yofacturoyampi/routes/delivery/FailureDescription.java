package org.yofacturoyampi.routes.delivery;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.http.base.HttpOperationFailedException;

/** A failure in one line for a log: HTTP status and path, or the innermost message. Never a body nor a header. */
public final class FailureDescription {

    private FailureDescription() {
    }

    public static String of(Throwable cause) {
        if (cause == null) {
            return "unknown error";
        }
        Throwable t = cause;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof HttpOperationFailedException)) {
            t = t.getCause();
        }
        if (t instanceof HttpOperationFailedException http) {
            return "HTTP " + http.getStatusCode() + " from " + pathOf(http.getUri());
        }
        String message = t instanceof CamelExecutionException ? null : t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    private static String pathOf(String uri) {
        if (uri == null) {
            return "?";
        }
        int scheme = uri.indexOf("://");
        int path = scheme < 0 ? -1 : uri.indexOf('/', scheme + 3);
        return path < 0 ? uri : uri.substring(path);
    }
}
