package dev.netrun.pools;

import java.util.Optional;

/**
 * A value that has to cross into or out of a worker JVM cannot be serialized. The message names
 * the value, the class that cannot be serialized and, where it was found, the path of fields that
 * reached it.
 */
public class UnserializableValueException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The class that cannot be serialized, or null. */
    private final String offendingClassName;
    /** The path of fields to the offending object, or null. */
    private final String fieldPath;

    /**
     * Creates the exception.
     *
     * @param message the full message
     * @param offendingClassName the class that cannot be serialized, or {@code null} if unknown
     * @param fieldPath the path of fields from the value to the offending object, or {@code null}
     * @param cause the serialization failure
     */
    public UnserializableValueException(String message, String offendingClassName, String fieldPath, Throwable cause) {
        super(message, cause);
        this.offendingClassName = offendingClassName;
        this.fieldPath = fieldPath;
    }

    /**
     * Returns the name of the class that cannot be serialized.
     *
     * @return the class name, or empty when the failure names none
     */
    public Optional<String> getOffendingClassName() {
        return Optional.ofNullable(offendingClassName);
    }

    /**
     * Returns the path of fields from the value to the offending object, such as
     * {@code Job.connection}.
     *
     * @return the path, or empty when it could not be traced
     */
    public Optional<String> getFieldPath() {
        return Optional.ofNullable(fieldPath);
    }
}
