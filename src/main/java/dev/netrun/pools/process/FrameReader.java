package dev.netrun.pools.process;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads frames from a stream through its own buffer, so that many small frames cost one read
 * call. Not thread safe: one thread reads.
 */
public final class FrameReader {

    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int MAX_STRAY_BYTES = 8 * 1024;

    private final InputStream in;
    private final int maxPayloadBytes;
    private final boolean verifyChecksums;
    private final boolean[] acceptedTypes = new boolean[128];
    private final CRC32C crc = new CRC32C();
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;

    /**
     * Creates a reader.
     *
     * @param in the stream to read
     * @param maxPayloadBytes the largest payload to read whole; a larger one is skipped and only
     *     its prefix returned
     * @param verifyChecksums whether to check each payload against the CRC-32C in its header
     * @param types the frame types this reader takes; a header with another type is read as text
     */
    public FrameReader(InputStream in, int maxPayloadBytes, boolean verifyChecksums, byte... types) {
        this.in = in;
        this.maxPayloadBytes = maxPayloadBytes;
        this.verifyChecksums = verifyChecksums;
        for (byte type : types) {
            acceptedTypes[type] = true;
        }
    }

    /**
     * Reads the next frame, blocking until it has arrived.
     *
     * @return the frame, or {@code null} at the end of the stream
     * @throws CorruptFrameException if a payload does not match its checksum
     * @throws IOException if reading fails, or the stream ends in the middle of a frame
     */
    public Frame read() throws IOException {
        if (!fill(1)) {
            return null;
        }
        if (buffer[position] != Frame.MAGIC) {
            return readStray(0);
        }
        if (!fill(Frame.HEADER_BYTES)) {
            // Too short for a frame: the stream ends with text that contains 0xFE.
            return readStray(1);
        }
        byte type = buffer[position + 1];
        int length = intAt(position + 2);
        int checksum = intAt(position + 6);
        if (type < 0 || !acceptedTypes[type] || length < 0
                || buffer[position + 10] != Frame.headerCheck(type, length, checksum)) {
            return readStray(1);
        }
        position += Frame.HEADER_BYTES;
        Frame frame = readPayload(type, length);
        if (verifyChecksums && !frame.isOversized() && (int) checksumOf(frame) != checksum) {
            throw new CorruptFrameException("A frame of type " + type + " and " + length + " bytes failed its "
                    + "checksum: other output was written into the middle of it");
        }
        return frame;
    }

    private long checksumOf(Frame frame) {
        crc.reset();
        crc.update(frame.payload(), 0, frame.payload().length);
        if (frame.bulk() != null) {
            crc.update(frame.bulk(), 0, frame.bulk().length);
        }
        return crc.getValue();
    }

    private int intAt(int index) {
        return ((buffer[index] & 0xff) << 24) | ((buffer[index + 1] & 0xff) << 16)
                | ((buffer[index + 2] & 0xff) << 8) | (buffer[index + 3] & 0xff);
    }

    private Frame readPayload(byte type, int length) throws IOException {
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
     * {@value #MAX_STRAY_BYTES} bytes, whichever comes first. The first {@code skipMagic} bytes
     * are taken as text even if they look like the start of a frame.
     */
    private Frame readStray(int skipMagic) throws IOException {
        compact();
        int end = Math.min(skipMagic, limit);
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
