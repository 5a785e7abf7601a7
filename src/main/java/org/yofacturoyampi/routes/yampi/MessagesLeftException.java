package org.yofacturoyampi.routes.yampi;

/** A conversation's new messages were not all read this poll: it stays pending, and the next poll reads on. */
public final class MessagesLeftException extends RuntimeException {

    public MessagesLeftException(String message) {
        super(message, null, false, false);
    }
}
