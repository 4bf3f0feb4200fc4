package dev.netrun.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 digest, size, line count and word count of one file. Lines are newline characters,
 * plus one for a last line without one; words are runs of bytes that are not ASCII white space.
 */
record FileDigest(String path, long bytes, String sha256, long lines, long words) implements Serializable {

    /** Reads a file once and computes everything in one pass. */
    static FileDigest of(Path file) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256 implementation", e);
        }

        long bytes = 0;
        long newlines = 0;
        long words = 0;
        boolean inWord = false;
        int last = '\n';
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                sha256.update(buffer, 0, read);
                bytes += read;
                for (int i = 0; i < read; i++) {
                    int b = buffer[i] & 0xff;
                    boolean space = b == ' ' || (b >= '\t' && b <= '\r');
                    if (b == '\n') {
                        newlines++;
                    }
                    if (!space && !inWord) {
                        words++;
                    }
                    inWord = !space;
                    last = b;
                }
            }
        }
        long lines = newlines + (last != '\n' ? 1 : 0);
        return new FileDigest(file.toString(), bytes, HexFormat.of().formatHex(sha256.digest()), lines, words);
    }
}
