package dev.netrun.pools;

import java.util.List;

/** The worker JVMs of a process pool. */
final class ProcessWorkerGroup extends WorkerGroup {

    ProcessWorkerGroup(ManagedPool pool, List<WorkerState> workers, TaskQueue queue, NodeRegistry nodes,
            ProcessOptions options) {
        super(pool, workers, queue);
    }

    @Override
    void start() {
        // TODO: start the worker JVMs.
        throw new UnsupportedOperationException("Process pools cannot run tasks yet");
    }

    @Override
    boolean stop(long deadlineNanos) {
        return true;
    }

    @Override
    void cancelRunning(PoolTask<?> task) {
    }
}
