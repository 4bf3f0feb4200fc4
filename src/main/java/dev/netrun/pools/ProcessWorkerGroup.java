package dev.netrun.pools;

import dev.netrun.pools.process.Frame;
import dev.netrun.pools.process.FrameBuffer;
import dev.netrun.pools.process.FrameInput;
import dev.netrun.pools.process.ThrowableCodec;
import dev.netrun.pools.process.ValueCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers of a process pool: one {@link ProcessWorker} per worker, and a supervisor thread
 * ({@code netrun-<pool>-supervisor}) for startup timeouts, task timeouts, delayed restarts, and a
 * check every {@value #STALL_CHECK_MILLIS} ms for callbacks that block a worker's reader thread
 * (see {@link ChildProcess}). A task submitted while a worker is idle and the queue is empty is
 * written to that worker by the submitting thread, which saves a thread hand-off.
 *
 * <p>Tasks are serialized in the submitting thread, so a task that cannot be serialized fails its
 * own future at once. Node hooks are serialized when the node is registered and sent to a worker
 * JVM before its first task of the node. The executors and the launcher are replaced at every start
 * and written under the pool's lifecycle lock.
 */
final class ProcessWorkerGroup extends WorkerGroup {

    private static final Logger log = LoggerFactory.getLogger(ProcessWorkerGroup.class);
    private static final long FORCED_STOP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final NodeRegistry nodes;
    private final ProcessOptions options;
    private final ValueCodec codec;
    private final ThrowableCodec throwables;
    private final List<ProcessWorker> slots = new ArrayList<>();
    /** The payload of each registered node's NODE frame. */
    private final Map<String, byte[]> nodeFrames = new ConcurrentHashMap<>();

    private volatile WorkerLauncher launcher;
    private volatile ScheduledThreadPoolExecutor scheduler;
    /** The worker id where the search for an idle worker for a direct send starts, so idle workers share the work. */
    private final AtomicInteger nextDirect = new AtomicInteger();

    static final long STALL_CHECK_MILLIS = 100;
    private Thread[] dispatchers = new Thread[0];

    ProcessWorkerGroup(ManagedPool pool, List<WorkerState> workers, TaskQueue queue, NodeRegistry nodes,
            ProcessOptions options) {
        super(pool, workers, queue);
        this.nodes = nodes;
        this.options = options;
        this.codec = new ValueCodec(options.getDeserializationLimits(), options.getAllowedClasses().orElse(null));
        this.throwables = new ThrowableCodec(codec);
        for (WorkerState worker : workers) {
            slots.add(new ProcessWorker(this, worker));
        }
    }

    ProcessOptions options() {
        return options;
    }

    WorkerLauncher launcher() {
        return launcher;
    }

    TaskQueue queue() {
        return queue;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    int maxPayloadBytes() {
        return options.getDeserializationLimits().maxBytes() + Frame.MAX_OVERHEAD_BYTES;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    void start() {
        launcher = new WorkerLauncher(pool.getName(), options);
        scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("netrun-" + pool.getName() + "-supervisor"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.scheduleWithFixedDelay(() -> slots.forEach(ProcessWorker::handOverStalledReader),
                STALL_CHECK_MILLIS, STALL_CHECK_MILLIS, TimeUnit.MILLISECONDS);

        List<CompletableFuture<ChildProcess>> handshakes = new ArrayList<>();
        for (ProcessWorker slot : slots) {
            handshakes.add(slot.startFirst());
        }
        WorkerStartException failure = awaitHandshakes(handshakes);
        if (failure != null) {
            abortStart();
            throw failure;
        }

        dispatchers = new Thread[slots.size()];
        for (ProcessWorker slot : slots) {
            int id = slot.state().getWorkerId();
            dispatchers[id] = new Thread(slot, "netrun-" + pool.getName() + "-" + id);
            dispatchers[id].setDaemon(true);
            dispatchers[id].start();
        }
    }

    /** Waits for every handshake; returns the first failure with the others suppressed, or null. */
    private WorkerStartException awaitHandshakes(List<CompletableFuture<ChildProcess>> handshakes) {
        WorkerStartException first = null;
        for (CompletableFuture<ChildProcess> handshake : handshakes) {
            try {
                handshake.get();
            } catch (ExecutionException e) {
                WorkerStartException failure = e.getCause() instanceof WorkerStartException start ? start
                        : new WorkerStartException(pool.getName(), -1, "Pool '" + pool.getName()
                                + "' failed to start a worker: " + e.getCause(), e.getCause());
                if (first == null) {
                    first = failure;
                } else {
                    first.addSuppressed(failure);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                WorkerStartException interrupted = new WorkerStartException(pool.getName(), -1,
                        "Start of pool '" + pool.getName() + "' was interrupted; no worker is left running", e);
                if (first != null) {
                    interrupted.addSuppressed(first);
                }
                return interrupted;
            }
        }
        return first;
    }

    /** Ends every JVM of a start that failed, and waits until they are gone. */
    private void abortStart() {
        List<ChildProcess> exiting = new ArrayList<>();
        for (ProcessWorker slot : slots) {
            slot.shutdown();
            exiting.addAll(slot.stopChildren(ChildProcess.Termination.START_ABORTED));
        }
        for (ChildProcess child : exiting) {
            child.awaitExit(0);
        }
        shutdownExecutors();
    }

    @Override
    boolean stop(long deadlineNanos) {
        boolean interrupted = false;
        boolean graceful;
        try {
            graceful = pool.awaitNoOutstanding(deadlineNanos);
        } catch (InterruptedException e) {
            interrupted = true;
            graceful = false;
        }

        if (!graceful) {
            List<PoolTask<?>> dropped = queue.drainAll();
            log.warn("Pool '{}' did not finish its tasks in its grace period; dropping queued tasks ({}) and killing "
                    + "worker JVMs that run tasks", pool.getName(), dropped.size());
            for (PoolTask<?> task : dropped) {
                task.drop(task.droppedAtStop());
            }
            for (ProcessWorker slot : slots) {
                slot.shutdown();
                slot.killForStop();
            }
            try {
                pool.awaitNoOutstanding(System.nanoTime() + FORCED_STOP_WAIT_NANOS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }

        for (ProcessWorker slot : slots) {
            slot.shutdown();
        }
        joinDispatchers();
        List<ChildProcess> exiting = new ArrayList<>();
        for (ProcessWorker slot : slots) {
            exiting.addAll(slot.stopChildren(ChildProcess.Termination.STOP_REQUESTED));
        }
        for (ChildProcess child : exiting) {
            child.awaitExit(options.getStopTimeout().toMillis());
        }
        shutdownExecutors();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return graceful;
    }

    private void joinDispatchers() {
        for (Thread dispatcher : dispatchers) {
            try {
                dispatcher.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void shutdownExecutors() {
        scheduler.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    // ---------------------------------------------------------------- tasks

    @Override
    void prepare(PoolTask<?> task) {
        requireAvailable(task.pinnedWorker());
        ValueCodec.Encoded encoded;
        try {
            encoded = codec.encodeToBytes(task.callable());
        } catch (IOException | RuntimeException e) {
            throw Serialization.unserializable(task.callable(), "task for pool '" + pool.getName() + "'", e);
        }
        int maxBytes = options.getDeserializationLimits().maxBytes();
        if (encoded.length() > maxBytes) {
            DeserializationRejectedException rejected = new DeserializationRejectedException("Task " + task.id()
                    + " for pool '" + pool.getName() + "' was not sent: its size of " + encoded.length()
                    + " bytes exceeds maxBytes " + maxBytes
                    + "; raise DeserializationLimits.maxBytes in the pool's ProcessOptions or send less data", "maxBytes");
            log.warn(rejected.getMessage());
            throw rejected;
        }
        task.setPayload(encoded);
    }

    @Override
    boolean tryDeliver(PoolTask<?> task) {
        WorkerState pinned = task.pinnedWorker();
        if (pinned != null) {
            return !queue.hasWaiting(pinned.getWorkerId()) && slots.get(pinned.getWorkerId()).sendDirect(task);
        }
        int start = Math.floorMod(nextDirect.getAndIncrement(), slots.size());
        for (int i = 0; i < slots.size(); i++) {
            int id = (start + i) % slots.size();
            if (!queue.hasWaiting(id)) {
                if (slots.get(id).sendDirect(task)) {
                    return true;
                }
            } else {
                return false;
            }
        }
        return false;
    }

    @Override
    void afterOffer(PoolTask<?> task) {
        // A worker may have given up starting between the check in prepare and the offer.
        failUnreachable(List.of(task));
    }

    private void requireAvailable(WorkerState pinned) {
        if (pinned != null) {
            ProcessWorker slot = slots.get(pinned.getWorkerId());
            if (slot.isFailed()) {
                throw new WorkerStartException(pool.getName(), pinned.getWorkerId(), "Worker " + pinned.getWorkerId()
                        + " of pool '" + pool.getName() + "' cannot run tasks: " + slot.failureSummary(), null);
            }
        } else if (allFailed()) {
            throw unavailable();
        }
    }

    private boolean allFailed() {
        for (ProcessWorker slot : slots) {
            if (!slot.isFailed()) {
                return false;
            }
        }
        return true;
    }

    private WorkerStartException unavailable() {
        StringBuilder reasons = new StringBuilder();
        for (ProcessWorker slot : slots) {
            reasons.append(reasons.length() == 0 ? "" : "; ").append(slot.failureSummary());
        }
        return new WorkerStartException(pool.getName(), -1, "Pool '" + pool.getName()
                + "' has no worker that can run tasks: " + reasons, null);
    }

    /**
     * Puts queued-state tasks back at the front of the queue, and ends those cancelled meanwhile.
     * Tasks that land where no worker will take them, because their worker or every worker gave up
     * starting, fail at once.
     */
    void requeue(List<PoolTask<?>> tasks) {
        List<PoolTask<?>> live = new ArrayList<>(tasks.size());
        for (PoolTask<?> task : tasks) {
            // A task cancelled while a dispatch thread held it could not be removed from the queue then.
            if (task.future().isDone()) {
                task.drop(null);
            } else {
                live.add(task);
            }
        }
        queue.requeueFirst(live);
        failUnreachable(live);
    }

    private void failUnreachable(List<PoolTask<?>> tasks) {
        for (PoolTask<?> task : tasks) {
            WorkerState pinned = task.pinnedWorker();
            if (pinned != null && slots.get(pinned.getWorkerId()).isFailed()) {
                failInbox(slots.get(pinned.getWorkerId()));
            }
        }
        if (allFailed()) {
            failQueued(null);
        }
    }

    /** Fails the tasks that wait for a worker that gave up starting, or for any worker if all did. */
    void workerFailed(ProcessWorker slot) {
        failInbox(slot);
        if (allFailed()) {
            failQueued(null);
        }
    }

    private void failInbox(ProcessWorker slot) {
        int id = slot.state().getWorkerId();
        for (PoolTask<?> task : queue.drainInbox(id)) {
            task.drop(new WorkerStartException(pool.getName(), id, "Worker " + id + " of pool '" + pool.getName()
                    + "' cannot run the tasks pinned to it: " + slot.failureSummary(), null));
        }
    }

    private void failQueued(WorkerStartException reason) {
        List<PoolTask<?>> waiting = queue.drainAll();
        if (waiting.isEmpty()) {
            return;
        }
        WorkerStartException failure = reason != null ? reason : unavailable();
        log.error("Pool '{}' fails {} waiting tasks: {}", pool.getName(), waiting.size(), failure.getMessage());
        for (PoolTask<?> task : waiting) {
            task.drop(failure);
        }
    }

    /** Decodes a task's result and completes its future, on a completion thread. */
    void complete(PoolTask<?> task, byte status, Frame frame, FrameInput in, int workerId, long pid) {
        ClassLoader loader = task.callable().getClass().getClassLoader();
        Object value = null;
        Throwable failure;
        try {
            if (frame.isOversized() && frame.length() <= maxPayloadBytes()) {
                failure = new OutOfMemoryError("The result of task " + task.id() + " on worker " + workerId + " of pool '"
                        + pool.getName() + "' was skipped: its " + frame.length() + " bytes do not fit in the free heap "
                        + "of this JVM; give it more heap (-Xmx) or return less data");
            } else if (frame.isOversized()) {
                int maxBytes = options.getDeserializationLimits().maxBytes();
                failure = new DeserializationRejectedException("Deserialization of the result of task " + task.id()
                        + " was rejected: its frame of " + frame.length() + " bytes exceeds maxBytes " + maxBytes
                        + "; raise DeserializationLimits.maxBytes in the pool's ProcessOptions or return less data",
                        "maxBytes");
            } else if (frame.type() == Frame.RESULT_BYTES) {
                value = frame.bulk();
                int maxArrayLength = options.getDeserializationLimits().maxArrayLength();
                failure = frame.bulk().length <= maxArrayLength ? null : new DeserializationRejectedException(
                        "Deserialization of the result of task " + task.id() + " was rejected: its byte array of "
                        + "length " + frame.bulk().length + " exceeds maxArrayLength " + maxArrayLength + "; raise "
                        + "DeserializationLimits.maxArrayLength in the pool's ProcessOptions or return less data",
                        "maxArrayLength");
            } else if (status == Frame.STATUS_OK) {
                value = codec.decode(in, loader, "the result of task " + task.id());
                failure = null;
            } else {
                failure = throwables.decode(in, loader, "the exception of task " + task.id());
            }
        } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
            failure = e;
        }
        if (failure instanceof DeserializationRejectedException rejected) {
            log.warn("Task {} on worker {} (pid {}) of pool '{}' failed a deserialization limit: {}", task.id(), workerId,
                    pid, pool.getName(), rejected.getMessage());
        }
        task.finishResolved(value, failure);
    }

    /**
     * Returns the cause of a failure encoded at {@code offset} of a RESULT payload as text, such as
     * "IllegalStateException: connection refused", for log lines and messages.
     */
    String describeFailure(PoolTask<?> task, byte[] payload, int offset) {
        try {
            FrameInput in = new FrameInput(payload, offset, payload.length - offset);
            Throwable failure = throwables.decode(in, task.callable().getClass().getClassLoader(), "a failure");
            Throwable cause = failure instanceof NodeStartException && failure.getCause() != null ? failure.getCause()
                    : failure;
            return cause.toString();
        } catch (IOException | RuntimeException e) {
            return "its description could not be read: " + e;
        }
    }

    @Override
    boolean isOwnThread(Thread thread) {
        for (Thread dispatcher : dispatchers) {
            if (dispatcher == thread) {
                return true;
            }
        }
        for (ProcessWorker slot : slots) {
            if (slot.isReaderThread(thread)) {
                return true;
            }
        }
        return false;
    }

    @Override
    void cancelRunning(PoolTask<?> task) {
        for (ProcessWorker slot : slots) {
            if (slot.cancelIfRunning(task)) {
                return;
            }
        }
    }

    @Override
    void validate(NodeLifecycle lifecycle) {
        String node = lifecycle.getNode();
        if (lifecycle.getMode() == PoolInitMode.GLOBAL) {
            throw new IllegalArgumentException("Node '" + node + "' uses init mode 'global', which process pool '"
                    + pool.getName() + "' does not support because its workers are separate JVMs; register it with "
                    + "PoolInitMode.PER_WORKER");
        }
        FrameBuffer payload = new FrameBuffer(256);
        payload.writeString(node);
        encodeHook(lifecycle.getStartHook().orElse(null), "start hook of node '" + node + "'", payload);
        encodeHook(lifecycle.getStopHook().orElse(null), "stop hook of node '" + node + "'", payload);
        nodeFrames.putIfAbsent(node, payload.toByteArray());
    }

    private void encodeHook(NodeHook hook, String what, FrameBuffer payload) {
        if (hook == null) {
            payload.writeInt(-1);
            return;
        }
        FrameBuffer encoded = new FrameBuffer(256);
        try {
            codec.encode(hook, encoded);
        } catch (IOException | RuntimeException e) {
            throw Serialization.unserializable(hook, what + " for pool '" + pool.getName() + "'", e);
        }
        payload.writeInt(encoded.size());
        payload.write(encoded.array(), 0, encoded.size());
    }

    /**
     * Returns how many tasks a worker that has {@code held} tasks in its JVM may send now, counting
     * the one it has just taken from the queue. The share is an even split of the waiting and held
     * tasks over the workers that can take tasks, less {@code held}. Read without locks, so an
     * estimate.
     */
    int shareOfWork(int held) {
        int ready = 0;
        int heldByAll = 0;
        for (ProcessWorker slot : slots) {
            if (slot.isReadyHint()) {
                ready++;
                heldByAll += slot.state().getActiveTasks();
            }
        }
        int total = queue.size() + 1 + heldByAll;
        int perWorker = (total + Math.max(1, ready) - 1) / Math.max(1, ready);
        return perWorker - held;
    }

    boolean hasNode(String node) {
        return nodes.get(node) != null && nodeFrames.containsKey(node);
    }

    byte[] nodeFrame(String node) {
        return nodeFrames.get(node);
    }

    @Override
    Duration defaultTaskTimeout() {
        return options.getTaskTimeout().orElse(null);
    }

    @Override
    boolean isLive(WorkerState worker) {
        return slots.get(worker.getWorkerId()).isReady();
    }
}
