package dev.netrun.pools;

/**
 * A task, result or exception crossing between a process pool and a worker JVM exceeded a
 * {@link DeserializationLimits deserialization limit}, or contained a class outside
 * {@link ProcessOptions#getAllowedClasses() the allowed classes}. Only the task it belongs to fails.
 */
public class DeserializationRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The limit that was exceeded, such as {@code maxDepth}, or {@code allowedClasses}. */
    private final String limit;

    /**
     * Creates the exception.
     *
     * @param message the full message, naming the limit and the value that exceeded it
     * @param limit the limit that was exceeded, such as {@code maxDepth}, or {@code allowedClasses}
     */
    public DeserializationRejectedException(String message, String limit) {
        super(message);
        this.limit = limit;
    }

    /**
     * Returns the limit that was exceeded.
     *
     * @return {@code maxDepth}, {@code maxArrayLength}, {@code maxReferences}, {@code maxBytes} or
     *     {@code allowedClasses}
     */
    public String getLimit() {
        return limit;
    }
}
