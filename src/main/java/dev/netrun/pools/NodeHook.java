package dev.netrun.pools;

import java.io.Serializable;

/**
 * A start or stop hook of a node, run on a worker with that worker's context. Hooks keep the
 * resources a node needs (a model, a connection) in {@link WorkerContext#attributes()}.
 *
 * <pre>{@code
 * NodeHook open = context -> context.attributes().put("db", Database.connect());
 * }</pre>
 *
 * <p>Hooks for a process pool travel to the child JVMs, so they must be serializable; the pool
 * checks this when the node is registered.
 */
@FunctionalInterface
public interface NodeHook extends Serializable {

    /**
     * Runs the hook.
     *
     * @param context the worker the hook runs on
     * @throws Exception if the hook fails; a failing start hook fails the task that triggered it
     */
    void run(WorkerContext context) throws Exception;
}
