package dev.netrun.pools.process;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StreamCorruptedException;
import java.util.Arrays;

/**
 * Reads frames from a stream through its own buffer, so that many small frames cost one read
 * call. Not thread safe: one thread reads.
 */
public final class FrameReader {

    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int MAX_STRAY_BYTES = 8 * 1024;

    private final InputStream in;
    private final int maxPayloadBytes;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;

    /**
     * Creates a reader.
     *
     * @param in the stream to read
     * @param maxPayloadBytes the largest payload to read whole; a larger one is skipped and only
     *     its prefix returned
     */
    public FrameReader(InputStream in, int maxPayloadBytes) {
        this.in = in;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /**
     * Reads the next frame, blocking until it has arrived.
     *
     * @return the frame, or {@code null} at the end of the stream
     * @throws IOException if reading fails, or the stream ends or is corrupt in the middle of a frame
     */
    public Frame read() throws IOException {
        if (!fill(1)) {
            return null;
        }
        if (buffer[position] != Frame.MAGIC) {
            return readStray();
        }
        if (!fill(Frame.HEADER_BYTES)) {
            throw new EOFException("Stream ended inside a frame header");
        }
        byte type = buffer[position + 1];
        int length = ((buffer[position + 2] & 0xff) << 24) | ((buffer[position + 3] & 0xff) << 16)
                | ((buffer[position + 4] & 0xff) << 8) | (buffer[position + 5] & 0xff);
        if (length < 0) {
            throw new StreamCorruptedException("Frame of type " + type + " announces a negative length " + length);
        }
        position += Frame.HEADER_BYTES;

        if (length > maxPayloadBytes) {
            return skipPayload(type, length);
        }
        // A payload this JVM has no heap for is skipped like an oversized one: the frame stream
        // stays in step, and only the task it belongs to fails.
        if (type == Frame.RESULT_BYTES && length >= Frame.RESULT_HEADER_BYTES) {
            byte[] header = new byte[Frame.RESULT_HEADER_BYTES];
            readFully(header, header.length);
            byte[] bulk;
            try {
                bulk = new byte[length - header.length];
            } catch (OutOfMemoryError e) {
                skip((long) length - header.length);
                return new Frame(type, header, length, null);
            }
            readFully(bulk, bulk.length);
            return new Frame(type, header, length, bulk);
        }
        byte[] payload;
        try {
            payload = new byte[length];
        } catch (OutOfMemoryError e) {
            return skipPayload(type, length);
        }
        readFully(payload, length);
        return new Frame(type, payload, length, null);
    }

    /** Reads the prefix of a payload that will not be read whole, and skips the rest. */
    private Frame skipPayload(byte type, int length) throws IOException {
        byte[] prefix = new byte[Math.min(length, Frame.OVERSIZED_PREFIX)];
        readFully(prefix, prefix.length);
        skip((long) length - prefix.length);
        return new Frame(type, prefix, length, null);
    }

    /** Returns whether bytes of a next frame are already buffered, so reading it will not block. */
    public boolean hasBuffered() {
        return position < limit;
    }

    /**
     * Reads text up to a line break (which is consumed), up to the next frame, or up to
     * {@value #MAX_STRAY_BYTES} bytes, whichever comes first.
     */
    private Frame readStray() throws IOException {
        compact();
        int end = 0;
        while (true) {
            while (end < limit && end < MAX_STRAY_BYTES && buffer[end] != Frame.MAGIC && buffer[end] != '\n') {
                end++;
            }
            if (end < limit || end >= MAX_STRAY_BYTES) {
                break;
            }
            int read = in.read(buffer, limit, buffer.length - limit);
            if (read < 0) {
                break;
            }
            limit += read;
        }
        byte[] text = Arrays.copyOf(buffer, end);
        position = end < limit && buffer[end] == '\n' ? end + 1 : end;
        return new Frame(Frame.STRAY, text, text.length, null);
    }

    /** Moves the unread bytes to the front of the buffer. */
    private void compact() {
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        limit -= position;
        position = 0;
    }

    /** Makes at least {@code count} bytes available; returns false if the stream ended first. */
    private boolean fill(int count) throws IOException {
        if (limit - position >= count) {
            return true;
        }
        compact();
        while (limit < count) {
            int read = in.read(buffer, limit, buffer.length - limit);
            if (read < 0) {
                return false;
            }
            limit += read;
        }
        return true;
    }

    private void readFully(byte[] target, int length) throws IOException {
        int buffered = Math.min(length, limit - position);
        System.arraycopy(buffer, position, target, 0, buffered);
        position += buffered;
        int done = buffered;
        while (done < length) {
            int read = in.read(target, done, length - done);
            if (read < 0) {
                throw new EOFException("Stream ended inside a frame payload after " + done + " of " + length + " bytes");
            }
            done += read;
        }
    }

    private void skip(long count) throws IOException {
        long buffered = Math.min(count, limit - position);
        position += (int) buffered;
        long remaining = count - buffered;
        while (remaining > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (read < 0) {
                throw new EOFException("Stream ended inside an oversized frame payload");
            }
            remaining -= read;
        }
    }
}
