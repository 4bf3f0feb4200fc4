package dev.netrun.pools;

/**
 * The start hook of a node failed on a worker, so the task that needed the node did not run. The
 * cause is what the hook threw. The node stays uninitialized, and the next task of the node runs
 * the hook again. In a thread pool that happens on the same thread. A process pool replaces the
 * worker JVM whose start hook failed, and backs off if that keeps happening.
 */
public class NodeStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The node whose start hook failed. */
    private final String node;
    /** The pool's name. */
    private final String poolName;
    /** The worker the hook ran on. */
    private final int workerId;

    /**
     * Creates the exception.
     *
     * @param node the node whose start hook failed
     * @param poolName the pool's name
     * @param workerId the worker the hook ran on
     * @param cause what the hook threw
     */
    public NodeStartException(String node, String poolName, int workerId, Throwable cause) {
        super("Start hook of node '" + node + "' failed on worker " + workerId + " of pool '" + poolName + "': "
                + cause, cause);
        this.node = node;
        this.poolName = poolName;
        this.workerId = workerId;
    }

    /**
     * Returns the node whose start hook failed.
     *
     * @return the node's name
     */
    public String getNode() {
        return node;
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
     * Returns the worker the hook ran on.
     *
     * @return the worker's id
     */
    public int getWorkerId() {
        return workerId;
    }
}
