package dev.netrun.pools;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * When the start and stop hooks of a node run on a pool.
 *
 * <pre>{@code
 * PoolInitMode mode = PoolInitMode.parse("per_worker"); // PER_WORKER
 * }</pre>
 */
public enum PoolInitMode {
    /**
     * The start hook runs on each worker the first time that worker runs a task of the node, and
     * each such worker runs the stop hook when the pool stops.
     */
    PER_WORKER("per_worker"),
    /**
     * The start hook runs once per pool before the node's first task, and the stop hook once when
     * the pool stops. Thread pools only: the hooks must be thread safe.
     */
    GLOBAL("global");

    private final String value;

    PoolInitMode(String value) {
        this.value = value;
    }

    /**
     * Returns the text form used in configuration, such as {@code "per_worker"}.
     *
     * @return the text form of this mode
     */
    public String value() {
        return value;
    }

    /**
     * Parses the text form of a mode; case and surrounding white space are ignored.
     *
     * @param text the text form, such as {@code "global"}
     * @return the mode
     * @throws IllegalArgumentException if the text names no mode; the message lists the valid values
     */
    public static PoolInitMode parse(String text) {
        String normalized = text == null ? "" : text.trim();
        for (PoolInitMode mode : values()) {
            if (mode.value.equalsIgnoreCase(normalized)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Unknown pool init mode: " + text + " (valid values: "
                + Arrays.stream(values()).map(PoolInitMode::value).collect(Collectors.joining(", ")) + ")");
    }
}
