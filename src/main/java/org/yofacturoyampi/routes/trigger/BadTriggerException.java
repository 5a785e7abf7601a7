package org.yofacturoyampi.routes.trigger;

/** A sync trigger that cannot be run: malformed JSON, no feed, an unknown feed or account. The message says which. */
public final class BadTriggerException extends RuntimeException {

    public BadTriggerException(String message) {
        super(message, null, false, false);
    }
}
