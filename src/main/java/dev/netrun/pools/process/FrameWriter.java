package dev.netrun.pools.process;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * Writes frames to a stream. Frames are gathered in a buffer and reach the stream on
 * {@link #flush()}, so a batch of frames costs one write call; a large payload bypasses the buffer.
 * Thread safe: every method holds this object's monitor, so frames from several threads never
 * interleave.
 */
public final class FrameWriter {

    /** Payloads at least this large are written straight to the stream instead of being copied. */
    private static final int DIRECT_PAYLOAD_BYTES = 64 * 1024;
    private static final int KEPT_BUFFER_BYTES = 256 * 1024;

    private final OutputStream out;
    private final boolean checksums;
    private final FrameBuffer pending = new FrameBuffer(16 * 1024);
    private final CRC32C crc = new CRC32C();

    /**
     * Creates a writer.
     *
     * @param out the stream to write to; it should not buffer
     * @param checksums whether to compute each payload's CRC-32C, for a stream that something else
     *     may write to as well
     */
    public FrameWriter(OutputStream out, boolean checksums) {
        this.out = out;
        this.checksums = checksums;
    }

    /**
     * Appends a frame whose payload is {@code head} followed by the first {@code bodyLength} bytes
     * of {@code body}.
     *
     * @throws IOException if a large body had to be written and the write failed
     */
    public synchronized void append(byte type, FrameBuffer head, byte[] body, int bodyLength) throws IOException {
        appendParts(type, head, new byte[][] {body}, bodyLength);
    }

    /**
     * Appends a frame whose payload is {@code head} followed by an encoding in segments.
     *
     * @throws IOException if a large body had to be written and the write failed
     */
    public synchronized void append(byte type, FrameBuffer head, ValueCodec.Encoded body) throws IOException {
        appendParts(type, head, body.segments(), body.lastLength());
    }

    /** Appends a frame whose payload is one buffer. */
    public synchronized void append(byte type, FrameBuffer payload) throws IOException {
        appendParts(type, null, new byte[][] {payload.array()}, payload.size());
    }

    /**
     * Appends a frame whose payload is {@code head} followed by {@code parts}, of which all but
     * the last count whole. A small payload is copied into the buffer; a large one is written
     * straight to the stream, part by part.
     */
    private void appendParts(byte type, FrameBuffer head, byte[][] parts, int lastLength) throws IOException {
        int headLength = head == null ? 0 : head.size();
        long bodyLength = 0;
        for (int i = 0; i < parts.length; i++) {
            bodyLength += partLength(parts, i, lastLength);
        }
        long length = headLength + bodyLength;
        if (length > Integer.MAX_VALUE) {
            throw new IOException("Frame payload of " + length + " bytes is larger than a frame can carry");
        }

        int checksum = 0;
        if (checksums) {
            crc.reset();
            if (headLength > 0) {
                crc.update(head.array(), 0, headLength);
            }
            for (int i = 0; i < parts.length; i++) {
                crc.update(parts[i], 0, partLength(parts, i, lastLength));
            }
            checksum = (int) crc.getValue();
        }

        pending.write(Frame.MAGIC);
        pending.write(type);
        pending.writeInt((int) length);
        pending.writeInt(checksum);
        pending.write(Frame.headerCheck(type, (int) length, checksum));
        if (headLength > 0) {
            pending.write(head.array(), 0, headLength);
        }

        boolean direct = bodyLength >= DIRECT_PAYLOAD_BYTES;
        if (direct) {
            drain();
        }
        for (int i = 0; i < parts.length; i++) {
            int partLength = partLength(parts, i, lastLength);
            if (direct) {
                out.write(parts[i], 0, partLength);
            } else {
                pending.write(parts[i], 0, partLength);
            }
        }
    }

    private static int partLength(byte[][] parts, int index, int lastLength) {
        return index == parts.length - 1 ? lastLength : parts[index].length;
    }

    /** Writes the buffered frames to the stream and flushes it. */
    public synchronized void flush() throws IOException {
        drain();
        out.flush();
    }

    private void drain() throws IOException {
        if (pending.size() > 0) {
            out.write(pending.array(), 0, pending.size());
            pending.reset(KEPT_BUFFER_BYTES);
        }
    }
}
