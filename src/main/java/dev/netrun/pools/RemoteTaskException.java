package dev.netrun.pools;

/**
 * A substitute for an exception thrown in a worker JVM whose class cannot be loaded in this JVM, or
 * that could not be serialized. It keeps the original class name, message and stack frames, and
 * its cause replaces the original cause in the same way.
 */
public final class RemoteTaskException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The class of the exception thrown in the worker JVM. */
    private final String remoteClassName;

    /**
     * Creates the stand-in.
     *
     * @param remoteClassName the class of the exception thrown in the worker JVM
     * @param message the original message, or {@code null}
     * @param stackTrace the original stack frames
     * @param cause the stand-in for the original cause, or {@code null}
     */
    public RemoteTaskException(String remoteClassName, String message, StackTraceElement[] stackTrace, Throwable cause) {
        super(message, cause, true, true);
        this.remoteClassName = remoteClassName;
        setStackTrace(stackTrace);
    }

    /**
     * Returns the class of the exception thrown in the worker JVM.
     *
     * @return the fully qualified class name
     */
    public String getRemoteClassName() {
        return remoteClassName;
    }

    /** Returns the original class name and message, as the original's {@code toString()} would. */
    @Override
    public String toString() {
        String message = getLocalizedMessage();
        return message == null ? remoteClassName : remoteClassName + ": " + message;
    }
}
