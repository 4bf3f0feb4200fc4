package dev.netrun.pools.process;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Replaces {@code System.out} in a worker JVM: what code prints is sent to the pool as OUTPUT
 * frames, one per line, so it can never corrupt the frame stream. A line longer than
 * {@value #MAX_LINE_BYTES} bytes is sent in parts. Thread safe.
 */
final class OutputForwarder extends OutputStream {

    private static final int MAX_LINE_BYTES = 8 * 1024;

    private final FrameWriter writer;
    private final FrameBuffer line = new FrameBuffer(256);

    OutputForwarder(FrameWriter writer) {
        this.writer = writer;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (b == '\n') {
            send();
            return;
        }
        line.write(b);
        if (line.size() >= MAX_LINE_BYTES) {
            send();
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            write(bytes[i]);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (line.size() > 0) {
            send();
        }
    }

    private void send() throws IOException {
        int length = line.size();
        if (length > 0 && line.array()[length - 1] == '\r') {
            line.truncate(length - 1);
        }
        writer.append(Frame.OUTPUT, line);
        writer.flush();
        line.reset(MAX_LINE_BYTES);
    }
}
