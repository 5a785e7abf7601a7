package org.yofacturoyampi.routes.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** One safe file name per record id: plain ids stay readable, any other id never steers a path. */
class SafeFileNameTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Ids an API (or a hostile one) could send. */
    private static final List<String> HOSTILE = List.of("../../etc/passwd", "a/b", "/abs", ".hidden", "..", ".", "",
            "a\\b", "a b", "C:\\x", "con", "x\u0000y", "ñandú", "a".repeat(65), "é".repeat(200), "_x61", "-1", "a\nb");

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void aPlainIdKeepsItsReadableName() {
        for (String plain : List.of("1234", "abc-9", "A.b_c-1", "x".repeat(64))) {
            assertThat(SafeFileName.of(plain)).isEqualTo(plain);
        }
    }

    @Test
    void noNameHasASlashOrABackslashStartsWithADotOrIsLongerThan130Characters() {
        for (String id : HOSTILE) {
            String name = SafeFileName.of(id);
            assertThat(name).as("name of '%s'", id).doesNotContain("/", "\\", "\u0000", "\n").doesNotStartWith(".")
                    .isNotEmpty().hasSizeLessThanOrEqualTo(130);
        }
    }

    @Test
    void aShortIdThatIsNotPlainBecomesTheHexOfItsUtf8BytesWhichReadsBack() {
        String id = "../a/ñ";

        String name = SafeFileName.of(id);

        assertThat(name).startsWith("_x");
        assertThat(new String(HexFormat.of().parseHex(name.substring(2)), StandardCharsets.UTF_8)).isEqualTo(id);
    }

    @Test
    void anIdThatIsNotPlainAndLongerThan64BytesBecomesItsSha256() {
        assertThat(SafeFileName.of("é".repeat(200))).matches("_h[0-9a-f]{64}");
        assertThat(SafeFileName.of("a".repeat(65))).matches("_h[0-9a-f]{64}");
        // up to 64 bytes the hex still fits: 2 + 128 characters
        assertThat(SafeFileName.of("-".repeat(64))).isEqualTo("_x" + "2d".repeat(64));
    }

    @Test
    void differentIdsGetDifferentNamesAndNoEncodedNameIsAPlainOne() {
        // "_x61" is what "a" would encode to, were it not plain: as an id it is encoded itself
        Set<String> names = new HashSet<>();
        for (String id : HOSTILE) {
            names.add(SafeFileName.of(id));
        }
        names.add(SafeFileName.of("a"));

        assertThat(names).hasSize(HOSTILE.size() + 1);
        assertThat(SafeFileName.of("_x61")).isNotEqualTo("_x61");
    }

    @Test
    void aNullIdHasAName() {
        assertThat(SafeFileName.of(null)).startsWith("_x");
    }

    @Test
    void aNumberIdAndTheSameDigitsAsAStringAreDifferentRecords() throws Exception {
        assertThat(SafeFileName.key(json("5"))).isEqualTo("5");
        assertThat(SafeFileName.key(json("\"5\""))).isEqualTo("\"5\"");
        assertThat(SafeFileName.ofJson(json("5"))).isNotEqualTo(SafeFileName.ofJson(json("\"5\"")));
    }

    @Test
    void aStringIdKeepsItsQuotesOnlyWhenItCouldBeTakenForAnotherJsonValue() throws Exception {
        assertThat(SafeFileName.key(json("\"abc\""))).isEqualTo("abc");
        assertThat(SafeFileName.key(json("\"abc-9\""))).isEqualTo("abc-9");
        for (String lookalike : List.of("\"true\"", "\"null\"", "\"-1.5e3\"", "\"\"", "\"NaN\"", "\"\\\"x\"")) {
            JsonNode id = json(lookalike);
            assertThat(SafeFileName.key(id)).as(lookalike).isEqualTo(id.toString());
        }
        assertThat(SafeFileName.key(json("true"))).isEqualTo("true");
        assertThat(SafeFileName.ofJson(json("true"))).isNotEqualTo(SafeFileName.ofJson(json("\"true\"")));
    }
}
