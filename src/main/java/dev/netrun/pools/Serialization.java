package dev.netrun.pools;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;

/**
 * Checks values before they travel to or from a process worker, so that a value that cannot be
 * serialized fails early. The message names the object at fault and the path that reached it.
 *
 * <pre>{@code
 * Serialization.requireSerializable(job, "job for pool 'cpu'");
 * // UnserializableValueException: Value (job for pool 'cpu') cannot be serialized for process pool
 * // execution: java.net.Socket is not serializable, reached through Job.connection; ...
 * }</pre>
 */
public final class Serialization {

    private Serialization() {
    }

    /**
     * Serializes a value and discards the bytes, failing if any object it reaches cannot be
     * serialized.
     *
     * @param value the value to check; {@code null} passes
     * @param context what the value is, for the message, such as {@code "task for pool 'cpu'"}
     * @throws UnserializableValueException if the value cannot be serialized; the message names the
     *     offending class and the path of fields that reached it
     */
    public static void requireSerializable(Object value, String context) {
        try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
            out.writeObject(value);
        } catch (IOException | RuntimeException e) {
            throw unserializable(value, context, e);
        }
    }

    /**
     * Builds the exception for a value whose serialization failed, tracing the field path to the
     * offending object when the failure names its class.
     *
     * @param value the value that failed
     * @param context what the value is, for the message
     * @param failure what serialization threw
     * @return the exception to throw
     */
    static UnserializableValueException unserializable(Object value, String context, Exception failure) {
        String prefix = "Value (" + context + ") cannot be serialized for process pool execution: ";
        if (!(failure instanceof NotSerializableException)) {
            return new UnserializableValueException(prefix + failure, null, null, failure);
        }

        String offendingClass = failure.getMessage();
        boolean valueItself = value != null && value.getClass().getName().equals(offendingClass);
        String path = valueItself ? null : ObjectGraphPaths.find(value, offendingClass);
        String location = "";
        if (valueItself) {
            location = " (the value itself)";
        } else if (path != null) {
            location = ", reached through " + path;
        }
        String advice = path == null
                ? "; make it Serializable or send data it can be rebuilt from"
                : "; make it Serializable, mark the field transient, or create the object inside the task";
        return new UnserializableValueException(prefix + offendingClass + " is not serializable" + location + advice,
                offendingClass, path, failure);
    }
}
