package dev.netrun.pools.process;

import java.io.EOFException;
import java.nio.charset.StandardCharsets;

/** Reads the fields of one frame's payload, big-endian, in the order {@link FrameBuffer} wrote them. */
public final class FrameInput {

    private final byte[] bytes;
    private int position;
    private final int limit;

    /**
     * Reads from a whole array.
     *
     * @param bytes the payload
     */
    public FrameInput(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    /**
     * Reads from part of an array.
     *
     * @param bytes the array
     * @param offset where the payload starts
     * @param length the payload's length
     */
    public FrameInput(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.position = offset;
        this.limit = offset + length;
    }

    public byte readByte() throws EOFException {
        require(1);
        return bytes[position++];
    }

    public int readInt() throws EOFException {
        require(4);
        int value = ((bytes[position] & 0xff) << 24) | ((bytes[position + 1] & 0xff) << 16)
                | ((bytes[position + 2] & 0xff) << 8) | (bytes[position + 3] & 0xff);
        position += 4;
        return value;
    }

    public long readLong() throws EOFException {
        return ((long) readInt() << 32) | (readInt() & 0xffffffffL);
    }

    /** Reads a string written by {@link FrameBuffer#writeString}; returns {@code null} for length -1. */
    public String readString() throws EOFException {
        int length = readInt();
        if (length < 0) {
            return null;
        }
        require(length);
        String value = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    /** Reads a length-prefixed byte array; returns {@code null} for length -1. */
    public byte[] readBytes() throws EOFException {
        int length = readInt();
        if (length < 0) {
            return null;
        }
        require(length);
        byte[] value = new byte[length];
        System.arraycopy(bytes, position, value, 0, length);
        position += length;
        return value;
    }

    /** Skips bytes. */
    public void skip(int count) throws EOFException {
        require(count);
        position += count;
    }

    public byte[] array() {
        return bytes;
    }

    public int position() {
        return position;
    }

    public int remaining() {
        return limit - position;
    }

    private void require(int count) throws EOFException {
        if (count < 0 || limit - position < count) {
            throw new EOFException("Frame ended early: needed " + count + " more bytes, " + (limit - position) + " left");
        }
    }
}
