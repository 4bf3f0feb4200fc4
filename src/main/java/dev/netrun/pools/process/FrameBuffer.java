package dev.netrun.pools.process;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array that frames and values are encoded into, with big-endian writers for the
 * protocol's fields. Not thread safe.
 */
public final class FrameBuffer extends OutputStream {

    private byte[] bytes;
    private int size;

    /**
     * Creates a buffer.
     *
     * @param initialCapacity the initial capacity in bytes
     */
    public FrameBuffer(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        ensure(length);
        System.arraycopy(source, offset, bytes, size, length);
        size += length;
    }

    /** Appends a big-endian int. */
    public void writeInt(int value) {
        ensure(4);
        bytes[size] = (byte) (value >>> 24);
        bytes[size + 1] = (byte) (value >>> 16);
        bytes[size + 2] = (byte) (value >>> 8);
        bytes[size + 3] = (byte) value;
        size += 4;
    }

    /** Appends a big-endian long. */
    public void writeLong(long value) {
        writeInt((int) (value >>> 32));
        writeInt((int) value);
    }

    /** Appends a string as its UTF-8 length and bytes; {@code null} is written as length -1. */
    public void writeString(String value) {
        if (value == null) {
            writeInt(-1);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeInt(utf8.length);
        write(utf8, 0, utf8.length);
    }

    /** Overwrites the int at {@code position}, which must lie within what was written. */
    public void setInt(int position, int value) {
        bytes[position] = (byte) (value >>> 24);
        bytes[position + 1] = (byte) (value >>> 16);
        bytes[position + 2] = (byte) (value >>> 8);
        bytes[position + 3] = (byte) value;
    }

    /** Returns the number of bytes written. */
    public int size() {
        return size;
    }

    /** Discards everything written after {@code newSize} bytes. */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("Cannot truncate a buffer of " + size + " bytes to " + newSize);
        }
        size = newSize;
    }

    /** Discards everything written, keeping the capacity unless it grew beyond {@code maxKept}. */
    public void reset(int maxKept) {
        size = 0;
        if (bytes.length > maxKept) {
            bytes = new byte[maxKept];
        }
    }

    /** Returns the backing array; only the first {@link #size()} bytes are valid. */
    public byte[] array() {
        return bytes;
    }

    /** Returns a copy of the bytes written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int extra) {
        int needed = size + extra;
        if (needed < 0) {
            throw new OutOfMemoryError("A frame cannot grow beyond 2 GiB");
        }
        if (needed > bytes.length) {
            int grown = Math.max(needed, bytes.length < (1 << 30) ? bytes.length * 2 : Integer.MAX_VALUE - 8);
            bytes = Arrays.copyOf(bytes, grown);
        }
    }
}
