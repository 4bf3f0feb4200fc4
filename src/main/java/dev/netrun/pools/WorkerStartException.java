package dev.netrun.pools;

/**
 * A worker JVM could not be started, or could not be replaced after it died. The message names the
 * pool, the worker, the command line where there was one, and the last lines the JVM wrote to its
 * standard error.
 */
public class WorkerStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The pool's name. */
    private final String poolName;
    /** The worker that failed to start. */
    private final int workerId;

    /**
     * Creates the exception.
     *
     * @param poolName the pool's name
     * @param workerId the worker that failed to start
     * @param message the full message
     * @param cause the underlying failure, or {@code null}
     */
    public WorkerStartException(String poolName, int workerId, String message, Throwable cause) {
        super(message, cause);
        this.poolName = poolName;
        this.workerId = workerId;
    }

    /**
     * Returns the pool's name.
     *
     * @return the pool's name
     */
    public String getPoolName() {
        return poolName;
    }

    /**
     * Returns the worker that failed to start.
     *
     * @return the worker's id
     */
    public int getWorkerId() {
        return workerId;
    }
}
