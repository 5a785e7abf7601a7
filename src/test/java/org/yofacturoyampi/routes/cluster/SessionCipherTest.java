package org.yofacturoyampi.routes.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.yofacturoyampi.routes.ConfigurationException;

class SessionCipherTest {

    private static final String KEY = Base64.getEncoder().encodeToString("fake-cluster-key-32-bytes-long!!".getBytes(StandardCharsets.US_ASCII));
    private static final String OTHER_KEY = Base64.getEncoder().encodeToString("another-fake-key-32-bytes-long!!".getBytes(StandardCharsets.US_ASCII));

    @Test
    void aSealedTokenOpensForItsTenantAndDoesNotShowTheToken() {
        SessionCipher cipher = SessionCipher.fromSetting(KEY);

        byte[] sealed = cipher.seal("fake-session-token", "acme");

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("fake-session-token");
        assertThat(sealed).hasSize(12 + "fake-session-token".length() + 16);
        assertThat(cipher.open(sealed, "acme")).isEqualTo("fake-session-token");
    }

    @Test
    void eachSealingUsesAFreshIv() {
        SessionCipher cipher = SessionCipher.fromSetting(KEY);

        byte[] first = cipher.seal("fake-session-token", "acme");
        byte[] second = cipher.seal("fake-session-token", "acme");

        assertThat(Arrays.copyOf(first, 12)).isNotEqualTo(Arrays.copyOf(second, 12));
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void aTokenSealedForOneTenantDoesNotOpenForAnother() {
        SessionCipher cipher = SessionCipher.fromSetting(KEY);
        byte[] sealed = cipher.seal("fake-session-token", "acme");

        assertThatThrownBy(() -> cipher.open(sealed, "globex"))
                .isInstanceOf(SessionCipher.UnreadableSessionException.class)
                .hasMessageContaining("CLUSTER_SECRET_KEY").hasMessageNotContaining("fake-session-token");
    }

    @Test
    void aTokenSealedWithAnotherKeyOrAlteredDoesNotOpen() {
        byte[] sealed = SessionCipher.fromSetting(OTHER_KEY).seal("fake-session-token", "acme");
        SessionCipher cipher = SessionCipher.fromSetting(KEY);
        assertThatThrownBy(() -> cipher.open(sealed, "acme")).isInstanceOf(SessionCipher.UnreadableSessionException.class);

        byte[] mine = cipher.seal("fake-session-token", "acme");
        mine[mine.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.open(mine, "acme")).isInstanceOf(SessionCipher.UnreadableSessionException.class);
        assertThatThrownBy(() -> cipher.open(new byte[5], "acme")).isInstanceOf(SessionCipher.UnreadableSessionException.class);
    }

    @Test
    void aMissingKeyIsAConfigurationErrorNamingTheVariable() {
        assertThatThrownBy(() -> SessionCipher.fromSetting(""))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("CLUSTER_SECRET_KEY")
                .hasMessageContaining("openssl rand -base64 32");
        assertThatThrownBy(() -> SessionCipher.fromSetting(null)).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void aMalformedKeyIsAConfigurationErrorThatNeverEchoesIt() {
        assertThatThrownBy(() -> SessionCipher.fromSetting("not*base64*fake-secret"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("CLUSTER_SECRET_KEY")
                .hasMessageContaining("not base64").hasMessageNotContaining("fake-secret");
        String shortKey = Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> SessionCipher.fromSetting(shortKey))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("decodes to 16 bytes")
                .hasMessageNotContaining(shortKey);
    }
}
