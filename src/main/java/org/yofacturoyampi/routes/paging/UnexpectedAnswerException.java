package org.yofacturoyampi.routes.paging;

/** An API answered 2xx with a body that is not the documented JSON (truncated, HTML from a proxy, wrong envelope). */
public class UnexpectedAnswerException extends RuntimeException {

    public UnexpectedAnswerException(String message) {
        super(message, null, false, false);
    }
}
