package dev.netrun.pools;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one worker thread: take the next task (inbox first, then the shared queue), run its
 * node's start hook if needed, run it, repeat. Once the queue is closed and empty, the loop runs the
 * stop hooks of the nodes this worker initialized and ends.
 */
final class ThreadWorker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ThreadWorker.class);

    private final ManagedPool pool;
    private final WorkerState state;
    private final WorkerContext context;
    private final TaskQueue queue;
    private final NodeRegistry nodes;
    private final ThreadWorkerGroup group;

    ThreadWorker(ManagedPool pool, WorkerState state, TaskQueue queue, NodeRegistry nodes, ThreadWorkerGroup group) {
        this.pool = pool;
        this.state = state;
        this.context = new WorkerContext(pool.getName(), state.getWorkerId());
        this.queue = queue;
        this.nodes = nodes;
        this.group = group;
    }

    @Override
    public void run() {
        try {
            context.call(() -> {
                runTasks();
                return null;
            });
        } catch (Exception e) {
            log.error("Worker {} of pool '{}' ended with an unexpected error", state.getWorkerId(), pool.getName(), e);
        }
    }

    private void runTasks() {
        PoolTask<?> task;
        while ((task = queue.take(state.getWorkerId())) != null) {
            run(task);
        }
        nodes.stopWorkerNodes(state, context);
    }

    private void run(PoolTask<?> task) {
        if (!task.start(Thread.currentThread())) {
            return;
        }
        state.acquireTask();
        scheduleTimeout(task);

        Object value = null;
        Throwable failure = null;
        try {
            nodes.prepare(task.node(), state, context);
            value = task.callable().call();
        } catch (Throwable e) {
            failure = e;
        }

        state.releaseTask();
        task.finish(value, failure);
        if (failure instanceof Error) {
            log.error("Task {} on worker {} of pool '{}' threw an error", task.id(), state.getWorkerId(), pool.getName(),
                    failure);
        }
        // An interrupt meant for this task must not reach the next one.
        Thread.interrupted();
    }

    private void scheduleTimeout(PoolTask<?> task) {
        if (task.timeout() == null) {
            return;
        }
        ScheduledExecutorService timer = group.timer();
        task.setTimeoutHandle(timer.schedule(() -> timeOut(task), task.timeout().toNanos(), TimeUnit.NANOSECONDS));
    }

    private void timeOut(PoolTask<?> task) {
        if (!task.isRunning()) {
            return;
        }
        String thread = "netrun-" + pool.getName() + "-" + state.getWorkerId();
        TaskTimeoutException timeout = new TaskTimeoutException(pool.getName(), state.getWorkerId(), task.id(),
                task.timeout(), "its worker thread " + thread + " was interrupted");
        if (task.future().completeExceptionally(timeout)) {
            log.warn("Task {} on worker {} of pool '{}' timed out after {}; interrupting thread {}", task.id(),
                    state.getWorkerId(), pool.getName(), Durations.format(task.timeout()), thread);
            task.interruptIfRunning();
        }
    }
}
