package dev.netrun.pools;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How {@link PoolManager#selectPool} picks one pool among several candidates.
 *
 * <pre>{@code
 * ManagedPool pool = manager.selectPool(List.of("cpu-a", "cpu-b"), PoolSelection.parse("round_robin"));
 * }</pre>
 */
public enum PoolSelection {
    /** The pool with the most idle workers; ties go to the first candidate. The default. */
    LEAST_BUSY("least_busy"),
    /** The candidates in turn, one call after another. */
    ROUND_ROBIN("round_robin"),
    /** A uniformly random candidate. */
    RANDOM("random");

    private final String value;

    PoolSelection(String value) {
        this.value = value;
    }

    /**
     * Returns the text form used in configuration, such as {@code "least_busy"}.
     *
     * @return the text form of this algorithm
     */
    public String value() {
        return value;
    }

    /**
     * Parses the text form of an algorithm; case and surrounding white space are ignored.
     *
     * @param text the text form, such as {@code "random"}
     * @return the algorithm
     * @throws IllegalArgumentException if the text names no algorithm; the message lists the valid
     *     values
     */
    public static PoolSelection parse(String text) {
        String normalized = text == null ? "" : text.trim();
        for (PoolSelection selection : values()) {
            if (selection.value.equalsIgnoreCase(normalized)) {
                return selection;
            }
        }
        throw new IllegalArgumentException("Unknown pool selection algorithm: " + text + " (valid values: "
                + Arrays.stream(values()).map(PoolSelection::value).collect(Collectors.joining(", ")) + ")");
    }
}
