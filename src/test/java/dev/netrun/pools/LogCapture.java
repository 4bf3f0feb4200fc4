package dev.netrun.pools;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Captures what the SLF4J simple binding writes, which goes to {@code System.err} as it is at each
 * call, while still passing it through. Lines from other tests' threads may appear too.
 */
final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    LogCapture() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                synchronized (captured) {
                    captured.write(bytes, offset, length);
                }
                original.write(bytes, offset, length);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    List<String> lines() {
        synchronized (captured) {
            return Arrays.asList(captured.toString(StandardCharsets.UTF_8).split("\n"));
        }
    }

    /** Returns the captured lines that contain every one of the given parts. */
    List<String> linesContaining(String... parts) {
        return lines().stream().filter(line -> Arrays.stream(parts).allMatch(line::contains)).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
