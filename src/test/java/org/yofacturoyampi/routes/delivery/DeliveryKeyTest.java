package org.yofacturoyampi.routes.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A delivery-state key read back: {@code "<record id>\t<fingerprint>"}; anything else is refused. */
class DeliveryKeyTest {

    @Test
    void aKeyIsSplitAtItsLastTab() {
        DeliveryKey key = DeliveryKey.parse("messages/1/2/3\t0123456789abcdef0123456789abcdef");

        assertThat(key.recordId()).isEqualTo("messages/1/2/3");
        assertThat(key.fingerprint()).isEqualTo("0123456789abcdef0123456789abcdef");
    }

    @Test
    void aRecordIdWithATabKeepsItTheFingerprintHasNone() {
        DeliveryKey key = DeliveryKey.parse("a\tb\tfff");

        assertThat(key.recordId()).isEqualTo("a\tb");
        assertThat(key.fingerprint()).isEqualTo("fff");
    }

    @Test
    void aKeyWithoutARecordIdOrAFingerprintIsRefused() {
        for (String wrong : new String[] {"no-tab", "\tfff", "id\t", ""}) {
            assertThatThrownBy(() -> DeliveryKey.parse(wrong)).as("'%s'", wrong)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<record id>");
        }
    }

    @Test
    void aKeyWithALineBreakIsRefused() {
        assertThatThrownBy(() -> DeliveryKey.parse("1\n2\tfff")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeliveryKey.parse("1\tff\nf")).isInstanceOf(IllegalArgumentException.class);
    }
}
