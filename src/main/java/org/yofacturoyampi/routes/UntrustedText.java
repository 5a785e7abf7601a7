package org.yofacturoyampi.routes;

/**
 * Text that came from outside (a trigger's feed name, a file name, an id from an API) made fit for one log line or
 * an error answer: control characters escaped ({@code \n} prints as the two characters backslash and n, so no line can
 * be forged) and cut to a length, saying how much was left out.
 */
public final class UntrustedText {

    /** What a log line or an answer echoes of one untrusted value at most. */
    public static final int ECHO = 200;

    private UntrustedText() {
    }

    public static String echo(String text) {
        return echo(text, ECHO);
    }

    public static String echo(String text, int max) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 16);
        int i = 0;
        for (; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (i < text.length()) {
            out.append("... (").append(text.length() - i).append(" more characters)");
        }
        return out.toString();
    }
}
