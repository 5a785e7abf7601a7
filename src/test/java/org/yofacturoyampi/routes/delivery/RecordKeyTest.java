package org.yofacturoyampi.routes.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The delivery state's key of a record: its id and a fingerprint of its JSON, read back by {@link DeliveryKey}. */
class RecordKeyTest {

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theKeyIsTheRecordIdATabAndTheFingerprint() {
        String key = RecordKey.of("1234", utf8("{\"id\":1234}"));

        assertThat(key).startsWith("1234\t");
        assertThat(key.substring("1234\t".length())).matches("[0-9a-f]{32}");
    }

    @Test
    void theFingerprintIsTheFirst128BitsOfTheSha256OfTheJsonSoStateWrittenBeforeStillMatches() {
        // pinned: a fingerprint that changed between versions would deliver every record again as "changed"
        assertThat(RecordKey.of("1", utf8("{\"id\":1,\"status\":\"received\"}")))
                .isEqualTo("1\tb0ceadf95e76d861b9322f2a34ac6a43");
        assertThat(RecordKey.of("x", utf8("{}"))).isEqualTo("x\t44136fa355b3678a1146ad16f7e8649e");
    }

    @Test
    void theSameJsonGivesTheSameKey() {
        assertThat(RecordKey.of("7", utf8("{\"id\":7,\"name\":\"Ana\"}")))
                .isEqualTo(RecordKey.of("7", utf8("{\"id\":7,\"name\":\"Ana\"}")));
    }

    @Test
    void anyChangeOfAnyFieldMakesANewKey() {
        String before = RecordKey.of("7", utf8("{\"id\":7,\"name\":\"Ana\",\"tags\":[]}"));

        assertThat(RecordKey.of("7", utf8("{\"id\":7,\"name\":\"Ana \",\"tags\":[]}"))).isNotEqualTo(before);
        assertThat(RecordKey.of("7", utf8("{\"id\":7,\"name\":\"Ana\",\"tags\":[\"vip\"]}"))).isNotEqualTo(before);
        assertThat(RecordKey.of("7", utf8("{\"id\":7,\"name\":\"Ana\",\"tags\":[],\"x\":null}"))).isNotEqualTo(before);
    }

    @Test
    void twoRecordsWithTheSameJsonHaveDifferentKeys() {
        assertThat(RecordKey.of("contacts/1/5", utf8("{}"))).isNotEqualTo(RecordKey.of("contacts/2/5", utf8("{}")));
    }

    @Test
    void theKeyReadsBackAsItsIdAndFingerprint() {
        String key = RecordKey.of("batches/_x612f62", utf8("{\"id\":\"a/b\"}"));

        DeliveryKey read = DeliveryKey.parse(key);

        assertThat(read.recordId()).isEqualTo("batches/_x612f62");
        assertThat(key).isEqualTo(read.recordId() + "\t" + read.fingerprint());
    }
}
