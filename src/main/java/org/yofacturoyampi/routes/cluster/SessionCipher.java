package org.yofacturoyampi.routes.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.yofacturoyampi.routes.ConfigurationException;

/**
 * Encrypts the YoFacturo session tokens the cluster keeps in PostgreSQL: AES-256-GCM with the key of
 * {@code CLUSTER_SECRET_KEY} (the base64 of 32 random bytes, the same on every node), a random 96-bit IV per
 * encryption and the tenant id as associated data, so a sealed token copied to another tenant's row does not open.
 * Sealed form: the 12-byte IV followed by the ciphertext and its 16-byte tag.
 */
public final class SessionCipher {

    public static final String KEY_VARIABLE = "CLUSTER_SECRET_KEY";
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String HOW = "the base64 of 32 random bytes, the same on every node "
            + "(e.g. `openssl rand -base64 32`)";

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    private SessionCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * The cipher of the {@code cluster.secret-key} setting. Messages name {@value #KEY_VARIABLE} and never echo its
     * value.
     *
     * @throws ConfigurationException when it is empty, not base64, or not 32 bytes long
     */
    public static SessionCipher fromSetting(String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("cluster mode (CLUSTER_DATABASE_URL is set) needs " + KEY_VARIABLE + ", "
                    + HOW + ": it encrypts the YoFacturo session tokens kept in the database");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value.trim());
        } catch (IllegalArgumentException notBase64) {
            throw new ConfigurationException(KEY_VARIABLE + " must be " + HOW + "; the value set is not base64");
        }
        if (bytes.length != KEY_BYTES) {
            throw new ConfigurationException(KEY_VARIABLE + " must be " + HOW + "; the value set decodes to "
                    + bytes.length + " bytes");
        }
        return new SessionCipher(bytes);
    }

    /** The token, encrypted for this tenant. */
    public byte[] seal(String token, String tenant) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, iv, tenant);
            byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM: " + e.getMessage());
        }
    }

    /**
     * The token {@link #seal} sealed for this tenant.
     *
     * @throws UnreadableSessionException when it was sealed with another key, for another tenant, or altered
     */
    public String open(byte[] sealed, String tenant) {
        if (sealed == null || sealed.length <= IV_BYTES) {
            throw new UnreadableSessionException("the stored session is too short to be a sealed token");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(sealed, IV_BYTES), tenant);
            return new String(cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new UnreadableSessionException("the stored session does not open with " + KEY_VARIABLE
                    + " (sealed with another key, for another tenant, or altered)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM: " + e.getMessage());
        }
    }

    private Cipher cipher(int mode, byte[] iv, String tenant) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(("yofacturo-session:" + tenant).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    /** A stored session this node cannot decrypt. Its message never holds the token nor the key. */
    public static final class UnreadableSessionException extends RuntimeException {
        public UnreadableSessionException(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public String toString() {
        return "SessionCipher[AES-256-GCM, key=***]";
    }
}
