package dev.netrun.pools;

import java.util.Objects;
import java.util.Optional;

/**
 * The start and stop hooks of one node, and when they run. Register it with
 * {@link ManagedPool#registerNode(NodeLifecycle)}; tasks name the node with
 * {@link TaskOptions#forNode(String)}. Immutable.
 *
 * <pre>{@code
 * pool.registerNode(NodeLifecycle.perWorker("score")
 *         .withStartHook(context -> context.attributes().put("model", Model.load()))
 *         .withStopHook(context -> ((Model) context.attributes().get("model")).close()));
 * }</pre>
 */
public final class NodeLifecycle {

    private final String node;
    private final PoolInitMode mode;
    private final NodeHook startHook;
    private final NodeHook stopHook;

    private NodeLifecycle(String node, PoolInitMode mode, NodeHook startHook, NodeHook stopHook) {
        this.node = node;
        this.mode = mode;
        this.startHook = startHook;
        this.stopHook = stopHook;
    }

    /**
     * Creates a lifecycle with no hooks yet.
     *
     * @param node the node's name, not blank
     * @param mode when the hooks run
     * @return the lifecycle
     * @throws IllegalArgumentException if the name is blank
     */
    public static NodeLifecycle of(String node, PoolInitMode mode) {
        Objects.requireNonNull(node, "node");
        if (node.isBlank()) {
            throw new IllegalArgumentException("Node name must not be blank, got '" + node + "'");
        }
        return new NodeLifecycle(node, Objects.requireNonNull(mode, "mode"), null, null);
    }

    /**
     * Creates a lifecycle whose hooks run on each worker; see {@link PoolInitMode#PER_WORKER}.
     *
     * @param node the node's name, not blank
     * @return the lifecycle
     * @throws IllegalArgumentException if the name is blank
     */
    public static NodeLifecycle perWorker(String node) {
        return of(node, PoolInitMode.PER_WORKER);
    }

    /**
     * Creates a lifecycle whose hooks run once per pool; see {@link PoolInitMode#GLOBAL}.
     *
     * @param node the node's name, not blank
     * @return the lifecycle
     * @throws IllegalArgumentException if the name is blank
     */
    public static NodeLifecycle global(String node) {
        return of(node, PoolInitMode.GLOBAL);
    }

    /**
     * Returns a copy with a start hook.
     *
     * @param hook the hook that runs before the node's first task on a worker (or in the pool)
     * @return the new lifecycle
     */
    public NodeLifecycle withStartHook(NodeHook hook) {
        return new NodeLifecycle(node, mode, Objects.requireNonNull(hook, "hook"), stopHook);
    }

    /**
     * Returns a copy with a stop hook.
     *
     * @param hook the hook that runs when the pool stops, where the node was initialized
     * @return the new lifecycle
     */
    public NodeLifecycle withStopHook(NodeHook hook) {
        return new NodeLifecycle(node, mode, startHook, Objects.requireNonNull(hook, "hook"));
    }

    /**
     * Returns the node's name.
     *
     * @return the name
     */
    public String getNode() {
        return node;
    }

    /**
     * Returns when the hooks run.
     *
     * @return the init mode
     */
    public PoolInitMode getMode() {
        return mode;
    }

    /**
     * Returns the start hook.
     *
     * @return the hook, or empty
     */
    public Optional<NodeHook> getStartHook() {
        return Optional.ofNullable(startHook);
    }

    /**
     * Returns the stop hook.
     *
     * @return the hook, or empty
     */
    public Optional<NodeHook> getStopHook() {
        return Optional.ofNullable(stopHook);
    }

    @Override
    public String toString() {
        return "NodeLifecycle[node=" + node + ", mode=" + mode.value() + ", startHook=" + (startHook != null)
                + ", stopHook=" + (stopHook != null) + "]";
    }
}
