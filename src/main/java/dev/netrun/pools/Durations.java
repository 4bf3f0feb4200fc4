package dev.netrun.pools;

import java.time.Duration;

/** Formats durations for messages: {@code 250 ms}, {@code 1.5 s}, {@code 3 min}. */
final class Durations {

    private Durations() {
    }

    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1_000) {
            return duration.toNanos() % 1_000_000 == 0 ? millis + " ms" : duration.toNanos() / 1_000 + " µs";
        }
        if (millis < 120_000) {
            return (millis % 1_000 == 0 ? Long.toString(millis / 1_000) : String.format(java.util.Locale.ROOT, "%.3f", millis / 1000.0)) + " s";
        }
        return duration.toString();
    }
}
