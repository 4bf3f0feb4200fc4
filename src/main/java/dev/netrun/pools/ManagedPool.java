package dev.netrun.pools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named pool of workers that runs submitted tasks and returns their results as
 * {@link CompletableFuture}s. The workers are threads of this JVM or child JVMs, as its
 * {@link PoolConfig} sets.
 *
 * <pre>{@code
 * try (ManagedPool pool = new ManagedPool(PoolConfig.thread("io", 4))) {
 *     pool.start();
 *     CompletableFuture<Integer> answer = pool.submit(() -> 6 * 7);
 *     System.out.println(answer.join());
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>{@code NEW} → {@code RUNNING} by {@link #start()}, which returns once every worker can take
 *       tasks. On failure the pool is left {@code STOPPED} with nothing running.
 *   <li>{@code RUNNING} → {@code STOPPING} → {@code STOPPED} by {@link #stop()}: new tasks are
 *       rejected at once, queued and running tasks finish, stop hooks run, workers end.
 *   <li>{@code STOPPED} → {@code RUNNING} by {@link #start()} again, with fresh workers and no node
 *       initialized.
 * </ul>
 * {@code start()} on a running pool and {@code stop()} on a pool that is not running do nothing.
 * {@code start()} and {@code stop()} are serialized by a lock; a call waits for the other to end.
 *
 * <h2>Tasks</h2>
 * A worker takes tasks pinned to it (see {@link #submit(SerializableCallable, WorkerState)}) first,
 * and tasks from the pool's shared queue otherwise. A task of a node (see {@link TaskOptions#forNode})
 * first runs the node's start hook where the node is not yet initialized. Every submitted task
 * completes its future: with its result, with its failure, or, when the pool is stopped with a time
 * limit that runs out, with a {@link java.util.concurrent.CancellationException}.
 *
 * <p>Methods are thread safe. Only {@link #start()}, {@link #stop()}, {@link #stop(Duration)} and
 * {@link #close()} block. Submitting to a process pool serializes the task in the calling thread.
 */
public final class ManagedPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ManagedPool.class);

    private enum RunState { NEW, RUNNING, STOPPING, STOPPED }

    private final PoolConfig config;
    private final List<WorkerState> workers;
    private final TaskQueue queue;
    private final NodeRegistry nodes;
    private final WorkerGroup group;
    private final AtomicLong taskIds = new AtomicLong();

    /** Serializes start and stop. */
    private final ReentrantLock lifecycleLock = new ReentrantLock();
    private volatile RunState runState = RunState.NEW;

    /**
     * Tasks submitted and not yet ended, counted for process pools only, whose stop waits for the
     * count to reach 0 (a thread pool's stop joins its threads instead); {@code outstandingLock}
     * guards waiting for it.
     */
    private final boolean countsOutstanding;
    private final AtomicLong outstanding = new AtomicLong();
    private final ReentrantLock outstandingLock = new ReentrantLock();
    private final Condition noneOutstanding = outstandingLock.newCondition();

    /**
     * Creates a pool that is not started yet.
     *
     * @param config the pool's declaration
     */
    public ManagedPool(PoolConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        List<WorkerState> states = new ArrayList<>();
        for (int i = 0; i < config.getSize(); i++) {
            states.add(new WorkerState(config.getName(), i, config.getType()));
        }
        this.workers = Collections.unmodifiableList(states);
        this.queue = new TaskQueue(config.getSize());
        this.countsOutstanding = config.getType() == PoolType.PROCESS;
        this.nodes = new NodeRegistry(config.getName());
        this.group = config.getType() == PoolType.THREAD
                ? new ThreadWorkerGroup(this, workers, queue, nodes)
                : new ProcessWorkerGroup(this, workers, queue, nodes, config.getProcessOptions().orElseThrow());
    }

    /**
     * Starts the workers; does nothing if the pool is running. Blocks until every worker can take
     * tasks: at once for a thread pool, and for a process pool until every worker JVM has completed
     * its handshake or the startup timeout has passed.
     *
     * @throws WorkerStartException if a worker JVM fails to start; no worker is left running
     * @throws IllegalStateException if the classpath for worker JVMs cannot be determined
     */
    public void start() {
        lifecycleLock.lock();
        try {
            if (runState == RunState.RUNNING) {
                return;
            }
            for (WorkerState worker : workers) {
                worker.clearInitializedNodes();
            }
            queue.open();
            try {
                group.start();
            } catch (RuntimeException | Error e) {
                queue.close();
                runState = RunState.STOPPED;
                throw e;
            }
            runState = RunState.RUNNING;
            log.info("Started {} pool '{}' with {} workers", config.getType().name().toLowerCase(java.util.Locale.ROOT),
                    config.getName(), config.getSize());
        } finally {
            lifecycleLock.unlock();
        }
    }

    /**
     * Stops the pool gracefully: rejects new tasks, waits for every queued and running task to end,
     * runs the stop hooks, and ends the workers. Does nothing if the pool is not running. Blocks as
     * long as the tasks take; an interrupt makes it stop as {@link #stop(Duration)} does when its
     * time runs out, and stays set.
     *
     * @throws IllegalStateException if called from one of this pool's own threads, which would
     *     wait for itself
     */
    public void stop() {
        stop(null);
    }

    /**
     * Stops the pool, waiting at most {@code gracePeriod} for queued and running tasks. When the
     * time runs out, tasks still queued fail with a {@link java.util.concurrent.CancellationException},
     * running tasks of a thread pool are interrupted, and the worker JVMs of a process pool are
     * killed, which fails their tasks with a {@link WorkerCrashedException}. Stop hooks run in either
     * case. Blocks for at most the grace period, plus up to one second for interrupted threads to
     * return, plus the time stop hooks and exiting JVMs take. A task that ignores its interrupt
     * keeps its thread after that, and its future completes when it returns.
     *
     * @param gracePeriod how long to wait for tasks, or {@code null} for as long as they take
     * @return {@code true} if every task ended within the grace period
     * @throws IllegalStateException if called from one of this pool's own threads, which would
     *     wait for itself
     */
    public boolean stop(Duration gracePeriod) {
        if (group.isOwnThread(Thread.currentThread())) {
            throw new IllegalStateException("stop() was called on thread '" + Thread.currentThread().getName()
                    + "' of pool '" + getName() + "', which would wait for itself; call it from another thread");
        }
        lifecycleLock.lock();
        try {
            if (runState != RunState.RUNNING) {
                return true;
            }
            runState = RunState.STOPPING;
            log.info("Stopping pool '{}' with {} queued tasks and {} held by workers", config.getName(), queue.size(),
                    getTotalActiveTasks());
            queue.close();
            long deadline = gracePeriod == null ? Long.MAX_VALUE : System.nanoTime() + gracePeriod.toNanos();
            boolean graceful = group.stop(deadline);
            nodes.stopGlobalNodes();
            runState = RunState.STOPPED;
            log.info("Stopped pool '{}'{}", config.getName(), graceful ? "" : " after its grace period ran out");
            return graceful;
        } finally {
            lifecycleLock.unlock();
        }
    }

    /** Stops the pool as {@link #stop()} does. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Returns whether the pool is running and accepts tasks.
     *
     * @return {@code true} between a successful {@link #start()} and the next {@link #stop()}
     */
    public boolean isStarted() {
        return runState == RunState.RUNNING;
    }

    /**
     * Returns the pool's name.
     *
     * @return the name
     */
    public String getName() {
        return config.getName();
    }

    /**
     * Returns the pool's declaration.
     *
     * @return the config
     */
    public PoolConfig getConfig() {
        return config;
    }

    /**
     * Returns the number of workers.
     *
     * @return the size
     */
    public int getSize() {
        return config.getSize();
    }

    /**
     * Returns the kind of worker.
     *
     * @return the pool type
     */
    public PoolType getType() {
        return config.getType();
    }

    /**
     * Returns whether the workers are threads of this JVM.
     *
     * @return {@code true} for a thread pool
     */
    public boolean isThreadPool() {
        return config.getType() == PoolType.THREAD;
    }

    /**
     * Returns whether the workers are child JVMs.
     *
     * @return {@code true} for a process pool
     */
    public boolean isProcessPool() {
        return config.getType() == PoolType.PROCESS;
    }

    /**
     * Returns the workers, in id order. The list and its elements stay the same across restarts.
     *
     * @return an unmodifiable list
     */
    public List<WorkerState> getWorkers() {
        return workers;
    }

    /**
     * Returns the number of workers that are running nothing and can take a task now. A process
     * worker whose JVM is being replaced does not count.
     *
     * @return the count of idle workers
     */
    public int getAvailableWorkers() {
        int available = 0;
        for (WorkerState worker : workers) {
            if (worker.getActiveTasks() == 0 && group.isLive(worker)) {
                available++;
            }
        }
        return available;
    }

    /**
     * Returns the sum of the workers' active task counts.
     *
     * @return the number of tasks running now
     */
    public int getTotalActiveTasks() {
        int total = 0;
        for (WorkerState worker : workers) {
            total += worker.getActiveTasks();
        }
        return total;
    }

    /**
     * Returns the number of tasks waiting in the shared queue and the workers' inboxes.
     *
     * @return the queued task count
     */
    public int getQueuedTasks() {
        return queue.size();
    }

    /**
     * Returns the worker with the fewest active tasks, preferring workers that can take tasks now;
     * ties go to the lowest id.
     *
     * @return the least busy worker
     */
    public WorkerState getLeastBusyWorker() {
        return workers.stream()
                .min(Comparator.comparing((WorkerState worker) -> !group.isLive(worker))
                        .thenComparingInt(WorkerState::getActiveTasks))
                .orElseThrow();
    }

    /**
     * Submits a task to any worker.
     *
     * @param task the task; for a process pool it and everything it captures must be serializable
     * @param <T> the result type
     * @return the future of the task's result; for a process pool that cannot serialize the task, a
     *     future already failed with {@link UnserializableValueException}
     * @throws IllegalStateException if the pool is not started
     */
    public <T> CompletableFuture<T> submit(SerializableCallable<T> task) {
        return submit(task, TaskOptions.defaults());
    }

    /**
     * Submits a task pinned to one worker, which runs it when it has run the tasks pinned to it
     * before.
     *
     * @param task the task
     * @param worker a worker of this pool, from {@link #getWorkers()}
     * @param <T> the result type
     * @return the future of the task's result
     * @throws IllegalStateException if the pool is not started
     * @throws IllegalArgumentException if the worker belongs to another pool
     */
    public <T> CompletableFuture<T> submit(SerializableCallable<T> task, WorkerState worker) {
        return submit(task, TaskOptions.defaults().withWorker(worker));
    }

    /**
     * Submits a task with per-task options: its node, time limit and pinned worker.
     *
     * @param task the task
     * @param options the options
     * @param <T> the result type
     * @return the future of the task's result
     * @throws IllegalStateException if the pool is not started
     * @throws IllegalArgumentException if the options pin the task to a worker of another pool
     */
    public <T> CompletableFuture<T> submit(SerializableCallable<T> task, TaskOptions options) {
        return enqueue(task, false, options);
    }

    /**
     * Submits a task that returns a {@link CompletionStage}; the future completes when that stage
     * does. A process worker waits for the stage before it sends the result back. A thread worker
     * is free again as soon as the task returns the stage.
     *
     * @param task the task
     * @param <T> the result type of the stage
     * @return the future of the stage's result
     * @throws IllegalStateException if the pool is not started
     */
    public <T> CompletableFuture<T> submitStage(SerializableCallable<? extends CompletionStage<T>> task) {
        return submitStage(task, TaskOptions.defaults());
    }

    /**
     * Submits a task that returns a {@link CompletionStage}, with per-task options.
     *
     * @param task the task
     * @param options the options
     * @param <T> the result type of the stage
     * @return the future of the stage's result
     * @throws IllegalStateException if the pool is not started
     * @throws IllegalArgumentException if the options pin the task to a worker of another pool
     */
    public <T> CompletableFuture<T> submitStage(SerializableCallable<? extends CompletionStage<T>> task,
            TaskOptions options) {
        return enqueue(task, true, options);
    }

    private <T> CompletableFuture<T> enqueue(SerializableCallable<?> callable, boolean awaitStage, TaskOptions options) {
        Objects.requireNonNull(callable, "task");
        Objects.requireNonNull(options, "options");
        WorkerState pinned = options.getWorker().orElse(null);
        if (pinned != null && (pinned.getWorkerId() >= workers.size() || workers.get(pinned.getWorkerId()) != pinned)) {
            throw new IllegalArgumentException("Worker " + pinned.getWorkerId() + " of pool '" + pinned.getPoolName()
                    + "' does not belong to pool '" + getName() + "'; pin tasks to a worker from getWorkers()");
        }
        requireStarted();

        Duration timeout = options.getTimeout().orElse(group.defaultTaskTimeout());
        PoolTask<T> task = new PoolTask<>(this, taskIds.incrementAndGet(), callable, awaitStage,
                options.getNode().orElse(null), timeout, pinned);
        if (countsOutstanding) {
            outstanding.incrementAndGet();
        }
        try {
            group.prepare(task);
        } catch (RuntimeException e) {
            task.drop(e);
            return task.future();
        }
        if (group.tryDeliver(task)) {
            return task.future();
        }
        if (!queue.offer(task)) {
            task.drop(null);
            throw notStarted();
        }
        group.afterOffer(task);
        return task.future();
    }

    private void requireStarted() {
        if (runState != RunState.RUNNING) {
            throw notStarted();
        }
    }

    private IllegalStateException notStarted() {
        return new IllegalStateException("Pool '" + getName() + "' is not started; call start() before submitting tasks");
    }

    /**
     * Registers the start and stop hooks of a node. Tasks name the node with
     * {@link TaskOptions#forNode(String)}. A node can be registered before or after the pool starts.
     *
     * @param lifecycle the node's hooks and init mode
     * @throws IllegalArgumentException if the node is already registered, if a process pool is given
     *     a {@code GLOBAL} node, or if a process pool cannot serialize a hook
     */
    public void registerNode(NodeLifecycle lifecycle) {
        Objects.requireNonNull(lifecycle, "lifecycle");
        group.validate(lifecycle);
        nodes.register(lifecycle);
    }

    /**
     * Marks a node as initialized for the whole pool, as if its global start hook had run.
     *
     * @param node the node's name
     * @return {@code true} if the node was not marked before
     */
    public boolean markNodeGloballyInitialized(String node) {
        return nodes.markGloballyInitialized(Objects.requireNonNull(node, "node"));
    }

    /**
     * Returns whether a node is initialized for the whole pool: its global start hook has run since
     * the pool started, or it was marked.
     *
     * @param node the node's name
     * @return {@code true} if the node is globally initialized
     */
    public boolean isNodeGloballyInitialized(String node) {
        return nodes.isGloballyInitialized(Objects.requireNonNull(node, "node"));
    }

    /** Removes a cancelled task from the queue, or stops it where it runs. */
    void cancel(PoolTask<?> task, boolean mayInterruptIfRunning) {
        if (queue.remove(task)) {
            task.drop(null);
            log.debug("Task {} of pool '{}' was cancelled while queued", task.id(), getName());
            return;
        }
        if (mayInterruptIfRunning) {
            group.cancelRunning(task);
        }
    }

    /** Counts a task as ended; called exactly once per submitted task. */
    void taskEnded() {
        if (countsOutstanding && outstanding.decrementAndGet() == 0) {
            outstandingLock.lock();
            try {
                noneOutstanding.signalAll();
            } finally {
                outstandingLock.unlock();
            }
        }
    }

    /**
     * Waits until no task is outstanding or the deadline passes.
     *
     * @return {@code true} if no task is outstanding
     * @throws InterruptedException if the wait is interrupted
     */
    boolean awaitNoOutstanding(long deadlineNanos) throws InterruptedException {
        outstandingLock.lock();
        try {
            while (outstanding.get() > 0) {
                if (deadlineNanos == Long.MAX_VALUE) {
                    noneOutstanding.await();
                } else {
                    long remaining = deadlineNanos - System.nanoTime();
                    if (remaining <= 0) {
                        return false;
                    }
                    noneOutstanding.await(remaining, TimeUnit.NANOSECONDS);
                }
            }
            return true;
        } finally {
            outstandingLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "ManagedPool[name=" + getName() + ", type=" + getType() + ", size=" + getSize() + ", state=" + runState
                + ", active=" + getTotalActiveTasks() + ", queued=" + queue.size() + "]";
    }
}
