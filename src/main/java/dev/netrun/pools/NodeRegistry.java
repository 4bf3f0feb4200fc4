package dev.netrun.pools;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node lifecycles registered on one pool, and the pool-wide state of its {@code GLOBAL} nodes.
 * Start hooks run through {@link #prepare}; stop hooks through {@link #stopWorkerNodes} and
 * {@link #stopGlobalNodes}.
 */
final class NodeRegistry {

    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);

    /** Pool-wide initialization of one node; guarded by its own monitor. */
    private static final class GlobalNode {
        private boolean initialized;
        private WorkerContext initializedOn;
    }

    private final String poolName;
    private final Map<String, NodeLifecycle> lifecycles = new ConcurrentHashMap<>();
    private final Map<String, GlobalNode> globalNodes = new ConcurrentHashMap<>();

    NodeRegistry(String poolName) {
        this.poolName = poolName;
    }

    void register(NodeLifecycle lifecycle) {
        NodeLifecycle previous = lifecycles.putIfAbsent(lifecycle.getNode(), lifecycle);
        if (previous != null) {
            throw new IllegalArgumentException("Node '" + lifecycle.getNode() + "' is already registered on pool '"
                    + poolName + "'; register each node once");
        }
    }

    /** Returns the lifecycle of a node, or {@code null} if none is registered. */
    NodeLifecycle get(String node) {
        return lifecycles.get(node);
    }

    List<NodeLifecycle> all() {
        return new ArrayList<>(lifecycles.values());
    }

    /**
     * Runs the start hook a task of {@code node} needs before it runs on {@code worker}: the
     * per-worker hook if the worker has not initialized the node, or the global hook if the pool
     * has not. A node with no registered lifecycle needs nothing and is not marked, so that a
     * lifecycle registered later still starts on every worker.
     *
     * @throws NodeStartException if the hook throws; the node stays uninitialized
     */
    void prepare(String node, WorkerState worker, WorkerContext context) {
        if (node == null) {
            return;
        }
        NodeLifecycle lifecycle = lifecycles.get(node);
        if (lifecycle == null) {
            return;
        }
        if (lifecycle.getMode() == PoolInitMode.GLOBAL) {
            prepareGlobal(lifecycle, context);
            return;
        }
        if (worker.isNodeInitialized(node)) {
            return;
        }
        if (lifecycle.getStartHook().isPresent()) {
            runStartHook(lifecycle.getStartHook().get(), node, context);
        }
        worker.markNodeInitialized(node);
    }

    private void prepareGlobal(NodeLifecycle lifecycle, WorkerContext context) {
        GlobalNode global = globalNodes.computeIfAbsent(lifecycle.getNode(), name -> new GlobalNode());
        synchronized (global) {
            if (global.initialized) {
                return;
            }
            if (lifecycle.getStartHook().isPresent()) {
                runStartHook(lifecycle.getStartHook().get(), lifecycle.getNode(), context);
            }
            global.initialized = true;
            global.initializedOn = context;
        }
    }

    private void runStartHook(NodeHook hook, String node, WorkerContext context) {
        try {
            context.run(hook);
            log.debug("Started node '{}' on worker {} of pool '{}'", node, context.getWorkerId(), poolName);
        } catch (Exception e) {
            throw new NodeStartException(node, poolName, context.getWorkerId(), e);
        }
    }

    /** Marks a node as initialized for the whole pool; returns whether it was not before. */
    boolean markGloballyInitialized(String node) {
        GlobalNode global = globalNodes.computeIfAbsent(node, name -> new GlobalNode());
        synchronized (global) {
            boolean changed = !global.initialized;
            global.initialized = true;
            return changed;
        }
    }

    boolean isGloballyInitialized(String node) {
        GlobalNode global = globalNodes.get(node);
        if (global == null) {
            return false;
        }
        synchronized (global) {
            return global.initialized;
        }
    }

    /**
     * Runs, on the calling worker thread, the stop hooks of the per-worker nodes this worker
     * initialized, newest first. A hook that throws is logged and the others still run.
     */
    void stopWorkerNodes(WorkerState worker, WorkerContext context) {
        List<String> nodes = new ArrayList<>(worker.getInitializedNodes());
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeLifecycle lifecycle = lifecycles.get(nodes.get(i));
            if (lifecycle != null && lifecycle.getStopHook().isPresent()) {
                runStopHook(lifecycle.getStopHook().get(), lifecycle.getNode(), context);
            }
        }
        worker.clearInitializedNodes();
    }

    /**
     * Runs, on the calling thread, the stop hook of every global node the pool initialized, with the
     * context of the worker whose task initialized it, and clears their initialization.
     */
    void stopGlobalNodes() {
        for (Map.Entry<String, GlobalNode> entry : globalNodes.entrySet()) {
            GlobalNode global = entry.getValue();
            WorkerContext context;
            synchronized (global) {
                if (!global.initialized) {
                    continue;
                }
                context = global.initializedOn;
                global.initialized = false;
                global.initializedOn = null;
            }
            NodeLifecycle lifecycle = lifecycles.get(entry.getKey());
            if (lifecycle != null && context != null && lifecycle.getStopHook().isPresent()) {
                runStopHook(lifecycle.getStopHook().get(), entry.getKey(), context);
            }
        }
    }

    private void runStopHook(NodeHook hook, String node, WorkerContext context) {
        try {
            context.run(hook);
            log.debug("Stopped node '{}' on worker {} of pool '{}'", node, context.getWorkerId(), poolName);
        } catch (Exception e) {
            log.error("Stop hook of node '{}' failed on worker {} of pool '{}'", node, context.getWorkerId(), poolName, e);
        }
    }
}
