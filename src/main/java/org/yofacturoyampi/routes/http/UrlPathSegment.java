package org.yofacturoyampi.routes.http;

import java.nio.charset.StandardCharsets;

/**
 * An id put in a URL path, as exactly one path segment: every byte but the unreserved characters of RFC 3986
 * ({@code A-Z a-z 0-9 - . _ ~}) is percent-encoded, so {@code /}, {@code ?} and {@code #} cannot change the path, the
 * query or the fragment. The dot segments {@code .} and {@code ..} (which servers and clients resolve, encoded or not)
 * and the empty id cannot be one segment: they are refused.
 */
public final class UrlPathSegment {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UrlPathSegment() {
    }

    public static String encode(String id) {
        if (id == null || id.isEmpty() || id.equals(".") || id.equals("..")) {
            throw new IllegalArgumentException("the id '" + id + "' cannot be a URL path segment");
        }
        StringBuilder out = null;
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length; i++) {
            int b = utf8[i] & 0xFF;
            if (isUnreserved(b)) {
                if (out != null) {
                    out.append((char) b);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(utf8.length * 3).append(id, 0, i);
            }
            out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
        }
        return out == null ? id : out.toString();
    }

    /** YoFacturo's list of the invoices of one batch. */
    public static String invoicesOfBatch(String batchId) {
        return "/api/v1/invoice_batches/" + encode(batchId) + "/batch_invoices";
    }

    private static boolean isUnreserved(int b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' || b == '.'
                || b == '_' || b == '~';
    }
}
