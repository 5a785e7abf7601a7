package org.yofacturoyampi.routes.app;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.camel.spi.ExchangeFormatter;
import org.apache.camel.spi.MaskingFormatter;

/**
 * Masks the credentials of both APIs wherever Camel prints an exchange: the tracer (CAMEL_MAIN_TRACING), the log EIP
 * and log component with showHeaders / showBody. Camel's own formatter picks one style
 * by the first character of the text (a line starting "Exchange[" gets key=value masking only, so a JSON body inside
 * it, {"api_key": "..."}, is printed as is) and matches JSON names exactly; this one applies every style to the whole
 * text: {@code name=value} (headers), {@code "name": "value"} (JSON bodies, any name containing a keyword:
 * session_token, api_key) and {@code Bearer <token>} wherever it appears.
 */
public final class SecretMask implements MaskingFormatter {

    static final String MASK = "xxxxx";
    private static final List<String> KEYWORDS = List.of("api_key", "apikey", "api-key", "token", "authorization",
            "password", "secret");

    private final Pattern keyValue;
    private final Pattern json;
    private final Pattern bearer = Pattern.compile("(?i)(bearer\\s+)[^\\s,;}\\]\"']+");

    /** @param extraKeywords more names to mask (camel.main.additional-sensitive-keywords), comma-separated */
    public SecretMask(String extraKeywords) {
        String any = Stream.concat(KEYWORDS.stream(),
                        Arrays.stream(extraKeywords == null ? new String[0] : extraKeywords.split(","))
                                .map(String::trim).filter(k -> !k.isEmpty()))
                .map(Pattern::quote).distinct().collect(Collectors.joining("|"));
        keyValue = Pattern.compile("(?i)([\\w-]*(?:" + any + ")[\\w-]*\\s*=\\s*)[^,&}\\]\\r\\n]+");
        json = Pattern.compile("(?i)(\"[^\"]*(?:" + any + ")[^\"]*\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");
    }

    @Override
    public String format(String text) {
        if (text == null) {
            return null;
        }
        String masked = json.matcher(text).replaceAll("$1\"" + MASK + "\"");
        masked = keyValue.matcher(masked).replaceAll("$1" + MASK);
        return bearer.matcher(masked).replaceAll("$1" + MASK);
    }

    /** An exchange formatter printing what {@code formatter} prints, masked (for the tracer). */
    public ExchangeFormatter masking(ExchangeFormatter formatter) {
        return exchange -> format(formatter.format(exchange));
    }
}
