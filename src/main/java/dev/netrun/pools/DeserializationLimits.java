package dev.netrun.pools;

/**
 * Limits that every value crossing between a process pool and its worker JVMs must respect when it
 * is deserialized, in either direction. A value beyond a limit fails only the task it belongs to,
 * with a {@link DeserializationRejectedException} that names the limit.
 *
 * <pre>{@code
 * DeserializationLimits limits = DeserializationLimits.defaults().withMaxBytes(16 << 20);
 * }</pre>
 *
 * <p>The defaults admit any value up to 1 GiB that a well-behaved program sends, and stop streams
 * that would exhaust memory or the stack.
 *
 * @param maxDepth the maximum nesting depth of the object graph, at least 1
 * @param maxArrayLength the maximum length of any one array, at least 0
 * @param maxReferences the maximum number of objects and back-references in one value, at least 1,
 *     as {@link java.io.ObjectInputFilter.FilterInfo#references()} counts them; Java serialization
 *     does not check strings against it
 * @param maxBytes the maximum size in bytes of one serialized value, from 1 to {@value #MAX_BYTES_LIMIT}
 */
public record DeserializationLimits(int maxDepth, int maxArrayLength, long maxReferences, int maxBytes) {

    /** The largest {@link #maxBytes()} a frame can carry. */
    public static final int MAX_BYTES_LIMIT = Integer.MAX_VALUE - 64;

    private static final DeserializationLimits DEFAULTS =
            new DeserializationLimits(1_000, 256 * 1024 * 1024, 10_000_000L, 1024 * 1024 * 1024);

    /**
     * Validates the limits.
     *
     * @param maxDepth the maximum nesting depth of the object graph, at least 1
     * @param maxArrayLength the maximum length of any one array, at least 0
     * @param maxReferences the maximum number of objects and back-references in one value, at least 1,
 *     as {@link java.io.ObjectInputFilter.FilterInfo#references()} counts them; Java serialization
 *     does not check strings against it
     * @param maxBytes the maximum size in bytes of one serialized value, from 1 to {@value #MAX_BYTES_LIMIT}
     * @throws IllegalArgumentException if a limit is out of its range; the message names it
     */
    public DeserializationLimits {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be at least 1, got " + maxDepth);
        }
        if (maxArrayLength < 0) {
            throw new IllegalArgumentException("maxArrayLength must be at least 0, got " + maxArrayLength);
        }
        if (maxReferences < 1) {
            throw new IllegalArgumentException("maxReferences must be at least 1, got " + maxReferences);
        }
        if (maxBytes < 1 || maxBytes > MAX_BYTES_LIMIT) {
            throw new IllegalArgumentException("maxBytes must be between 1 and " + MAX_BYTES_LIMIT + ", got " + maxBytes);
        }
    }

    /**
     * Returns the default limits: depth 1,000, arrays of 256 Mi elements, 10,000,000 references,
     * and 1 GiB per value.
     *
     * @return the default limits
     */
    public static DeserializationLimits defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a copy with another maximum depth.
     *
     * @param value the maximum nesting depth, at least 1
     * @return the new limits
     * @throws IllegalArgumentException if the value is below 1
     */
    public DeserializationLimits withMaxDepth(int value) {
        return new DeserializationLimits(value, maxArrayLength, maxReferences, maxBytes);
    }

    /**
     * Returns a copy with another maximum array length.
     *
     * @param value the maximum number of elements of one array, at least 0
     * @return the new limits
     * @throws IllegalArgumentException if the value is negative
     */
    public DeserializationLimits withMaxArrayLength(int value) {
        return new DeserializationLimits(maxDepth, value, maxReferences, maxBytes);
    }

    /**
     * Returns a copy with another maximum number of references.
     *
     * @param value the maximum number of objects and back-references, at least 1
     * @return the new limits
     * @throws IllegalArgumentException if the value is below 1
     */
    public DeserializationLimits withMaxReferences(long value) {
        return new DeserializationLimits(maxDepth, maxArrayLength, value, maxBytes);
    }

    /**
     * Returns a copy with another maximum size.
     *
     * @param value the maximum size in bytes of one serialized value
     * @return the new limits
     * @throws IllegalArgumentException if the value is below 1 or above {@value #MAX_BYTES_LIMIT}
     */
    public DeserializationLimits withMaxBytes(int value) {
        return new DeserializationLimits(maxDepth, maxArrayLength, maxReferences, value);
    }
}
