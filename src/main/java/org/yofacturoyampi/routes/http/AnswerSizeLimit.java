package org.yofacturoyampi.routes.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.yofacturoyampi.routes.paging.AnswerTooLargeException;

/**
 * Caps the bytes read of one answer of either API ({@code http.max-answer-bytes}): every answer body is read through
 * a stream that counts (after any decompression) and, past the cap, stops with {@link AnswerTooLargeException} and
 * drops the connection instead of reading the rest. Memory and disk for one answer are bounded whatever the API
 * sends; the routes dead-letter such an answer as "too large", with its size and a hash, never its body.
 */
public final class AnswerSizeLimit implements HttpClientConfigurer {

    private final long maxBytes;

    public AnswerSizeLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder client) {
        // first: the outermost step of the chain, so it counts what the routes read (decompressed)
        client.addExecInterceptorFirst("answer-size-limit", (request, scope, chain) -> {
            ClassicHttpResponse response = chain.proceed(request, scope);
            HttpEntity entity = response.getEntity();
            if (entity != null) {
                response.setEntity(new Bounded(entity, maxBytes));
            }
            return response;
        });
    }

    private static final class Bounded extends HttpEntityWrapper {

        private final long maxBytes;

        Bounded(HttpEntity wrapped, long maxBytes) {
            super(wrapped);
            this.maxBytes = maxBytes;
        }

        @Override
        public InputStream getContent() throws IOException {
            InputStream content = super.getContent();
            return content == null ? null : new CountingStream(content, maxBytes, getContentLength());
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            try (InputStream in = getContent()) {
                if (in != null) {
                    in.transferTo(out);
                }
            }
        }

        @Override
        public boolean isRepeatable() {
            return false;
        }
    }

    private static final class CountingStream extends FilterInputStream {

        private final long maxBytes;
        private final long declaredLength;
        private final MessageDigest digest;
        private long count;

        CountingStream(InputStream in, long maxBytes, long declaredLength) {
            super(in);
            this.maxBytes = maxBytes;
            this.declaredLength = declaredLength;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long room = maxBytes - count;
            // one byte more than the cap tells an answer of exactly maxBytes from a longer one
            int n = super.read(b, off, (int) Math.min(len, room + 1));
            if (n <= 0) {
                return n;
            }
            int kept = (int) Math.min(n, room);
            digest.update(b, off, kept);
            count += n;
            if (count > maxBytes) {
                tooLarge();
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 8192)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }

        private void tooLarge() throws IOException {
            // drop the connection rather than read the rest of the answer to reuse it
            if (in instanceof EofSensorInputStream sensor) {
                sensor.abort();
            } else {
                in.close();
            }
            throw new AnswerTooLargeException(maxBytes, declaredLength, HexFormat.of().formatHex(digest.digest()));
        }
    }
}
