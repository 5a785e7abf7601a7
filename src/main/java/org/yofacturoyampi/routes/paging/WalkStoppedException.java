package org.yofacturoyampi.routes.paging;

/**
 * A paged walk that had to stop before its end: the API answered another page than the one asked for, or the walk
 * reached its page cap. An error of that run (one log line, the poll route's); the next poll starts over.
 */
public final class WalkStoppedException extends RuntimeException {

    public WalkStoppedException(String message) {
        super(message, null, false, false);
    }
}
