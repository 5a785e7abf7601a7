package org.yofacturoyampi.routes.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One safe file name per id, different ids to different names. Ids come from the APIs (and from inbound files) and
 * must never steer a path: a plain id (letters, digits, then also {@code . _ -}, at most 64 characters, e.g. {@code 1234}
 * or {@code abc-9}) keeps its readable name; anything else becomes {@code _x} and the hex of its UTF-8 bytes
 * (reversible), or {@code _h} and its SHA-256 when that would be longer than {@value #MAX_HEX} characters. No name has
 * a {@code /}, starts with a dot, or is longer than 130 characters, and no encoded name can be a plain one (they start
 * with {@code _}).
 * <p>
 * A record id's JSON type counts: the number {@code 5} and the string {@code "5"} are different records, so
 * {@link #key(JsonNode)} keeps strings that could be read as another JSON value in their quoted form.
 */
public final class SafeFileName {

    private static final int MAX_PLAIN = 64;
    private static final int MAX_HEX = 128;
    private static final Set<String> NON_STRING_WORDS = Set.of("true", "false", "null", "NaN", "Infinity", "-Infinity");

    private SafeFileName() {
    }

    /** The safe name of an id (a record key from {@link #key(JsonNode)}, or any text). */
    public static String of(String id) {
        if (id != null && isPlain(id)) {
            return id;
        }
        byte[] utf8 = String.valueOf(id).getBytes(StandardCharsets.UTF_8);
        if (utf8.length * 2 <= MAX_HEX) {
            return "_x" + HexFormat.of().formatHex(utf8);
        }
        try {
            return "_h" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The safe name of a record id as the API gave it (its JSON type counts). */
    public static String ofJson(JsonNode id) {
        return of(key(id));
    }

    /**
     * A record id as text that keeps its JSON type: numbers and booleans as they print, strings as they are unless
     * they could be taken for one of those (or start with a quote), which stay quoted: {@code 5} is {@code 5},
     * {@code "5"} is {@code "5"} with its quotes, {@code "abc"} is {@code abc}.
     */
    public static String key(JsonNode id) {
        String text = id.asText();
        if (!id.isTextual() || !looksLikeAnotherValue(text)) {
            return text;
        }
        return id.toString();
    }

    private static boolean looksLikeAnotherValue(String text) {
        if (text.isEmpty() || text.charAt(0) == '"' || NON_STRING_WORDS.contains(text)) {
            return true;
        }
        char first = text.charAt(0);
        if (first != '-' && (first < '0' || first > '9')) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E') {
                return false;
            }
        }
        return true;
    }

    private static boolean isPlain(String id) {
        int n = id.length();
        if (n == 0 || n > MAX_PLAIN || !isLetterOrDigit(id.charAt(0))) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = id.charAt(i);
            if (!isLetterOrDigit(c) && c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
