package org.yofacturoyampi.routes.paging;

/**
 * An answer longer than {@code http.max-answer-bytes}: reading stopped there. A dead letter says its size (at least
 * "more than N bytes", and the Content-Length the API declared, if any) and the SHA-256 of what was read, not its body.
 */
public final class AnswerTooLargeException extends UnexpectedAnswerException {

    private final long limit;
    private final long declaredLength;
    private final String sha256OfRead;

    public AnswerTooLargeException(long limit, long declaredLength, String sha256OfRead) {
        super("answer too large: more than " + limit + " bytes (http.max-answer-bytes)"
                + (declaredLength >= 0 ? ", Content-Length " + declaredLength : ""));
        this.limit = limit;
        this.declaredLength = declaredLength;
        this.sha256OfRead = sha256OfRead;
    }

    /** How many bytes were read (the limit): the answer is longer. */
    public long limit() {
        return limit;
    }

    /** The Content-Length the answer declared, or -1. */
    public long declaredLength() {
        return declaredLength;
    }

    /** The SHA-256 (hex) of the bytes read before reading stopped. */
    public String sha256OfRead() {
        return sha256OfRead;
    }
}
