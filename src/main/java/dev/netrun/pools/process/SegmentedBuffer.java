package dev.netrun.pools.process;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A buffer that grows by adding segments instead of copying, for encodings that may be large: a
 * 64 MiB value costs one pass over its bytes instead of a chain of copies as an array doubles.
 * Segments double in size up to {@value #MAX_SEGMENT_BYTES} bytes. Not thread safe.
 */
final class SegmentedBuffer extends OutputStream {

    private static final int FIRST_SEGMENT_BYTES = 4 * 1024;
    private static final int MAX_SEGMENT_BYTES = 8 * 1024 * 1024;

    private final List<byte[]> full = new ArrayList<>();
    private byte[] current = new byte[FIRST_SEGMENT_BYTES];
    private int position;

    @Override
    public void write(int b) {
        if (position == current.length) {
            nextSegment();
        }
        current[position++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        while (length > 0) {
            if (position == current.length) {
                nextSegment();
            }
            int chunk = Math.min(length, current.length - position);
            System.arraycopy(bytes, offset, current, position, chunk);
            position += chunk;
            offset += chunk;
            length -= chunk;
        }
    }

    /**
     * Returns what was written and empties the buffer. A single small segment is copied out, so the
     * buffer keeps it for the next value; several segments are handed over as they are.
     */
    ValueCodec.Encoded take() {
        ValueCodec.Encoded encoded;
        if (full.isEmpty()) {
            encoded = ValueCodec.Encoded.of(Arrays.copyOf(current, position));
        } else {
            full.add(current);
            encoded = new ValueCodec.Encoded(full.toArray(new byte[0][]), position);
            full.clear();
            current = new byte[FIRST_SEGMENT_BYTES];
        }
        position = 0;
        return encoded;
    }

    /** Discards what was written, after a failed encoding. */
    void clear() {
        full.clear();
        if (current.length > FIRST_SEGMENT_BYTES) {
            current = new byte[FIRST_SEGMENT_BYTES];
        }
        position = 0;
    }

    private void nextSegment() {
        full.add(current);
        current = new byte[Math.min(current.length * 2, MAX_SEGMENT_BYTES)];
        position = 0;
    }
}
