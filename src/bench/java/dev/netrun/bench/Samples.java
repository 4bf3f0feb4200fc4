package dev.netrun.bench;

import java.util.Arrays;

/** Timed samples in nanoseconds, and their percentiles. */
final class Samples {

    private final long[] values;
    private int count;

    Samples(int capacity) {
        values = new long[capacity];
    }

    void add(long nanos) {
        values[count++] = nanos;
    }

    /** Returns the {@code fraction} percentile (0.5 for the median) in nanoseconds. */
    long percentile(double fraction) {
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(fraction * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, index))];
    }

    long median() {
        return percentile(0.5);
    }
}
