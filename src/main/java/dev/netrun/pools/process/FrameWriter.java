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
     * Appends a frame whose payload is {@code head} followed by {@code body}.
     *
     * @throws IOException if a large body had to be written and the write failed
     */
    public synchronized void append(byte type, FrameBuffer head, byte[] body, int bodyOffset, int bodyLength)
            throws IOException {
        int headLength = head == null ? 0 : head.size();
        long length = (long) headLength + bodyLength;
        if (length > Integer.MAX_VALUE) {
            throw new IOException("Frame payload of " + length + " bytes is larger than a frame can carry");
        }
        int checksum = 0;
        if (checksums) {
            crc.reset();
            if (headLength > 0) {
                crc.update(head.array(), 0, headLength);
            }
            if (bodyLength > 0) {
                crc.update(body, bodyOffset, bodyLength);
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
        if (bodyLength == 0) {
            return;
        }
        if (bodyLength < DIRECT_PAYLOAD_BYTES) {
            pending.write(body, bodyOffset, bodyLength);
            return;
        }
        drain();
        out.write(body, bodyOffset, bodyLength);
    }

    /** Appends a frame whose payload is {@code head} followed by an encoding in segments. */
    public synchronized void append(byte type, FrameBuffer head, ValueCodec.Encoded body) throws IOException {
        byte[][] segments = body.segments();
        if (segments.length == 1) {
            append(type, head, segments[0], 0, body.lastLength());
            return;
        }
        int headLength = head == null ? 0 : head.size();
        long length = headLength + body.length();
        if (length > Integer.MAX_VALUE) {
            throw new IOException("Frame payload of " + length + " bytes is larger than a frame can carry");
        }
        int checksum = 0;
        if (checksums) {
            crc.reset();
            if (headLength > 0) {
                crc.update(head.array(), 0, headLength);
            }
            for (int i = 0; i < segments.length; i++) {
                crc.update(segments[i], 0, i == segments.length - 1 ? body.lastLength() : segments[i].length);
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
        drain();
        for (int i = 0; i < segments.length; i++) {
            out.write(segments[i], 0, i == segments.length - 1 ? body.lastLength() : segments[i].length);
        }
    }

    /** Appends a frame whose payload is one buffer. */
    public synchronized void append(byte type, FrameBuffer payload) throws IOException {
        append(type, null, payload.array(), 0, payload.size());
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
