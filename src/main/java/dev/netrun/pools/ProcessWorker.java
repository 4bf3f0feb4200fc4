package dev.netrun.pools;

import dev.netrun.pools.process.Frame;
import dev.netrun.pools.process.FrameBuffer;
import dev.netrun.pools.process.FrameInput;
import dev.netrun.pools.process.FrameWriter;
import dev.netrun.pools.process.WorkerMain;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of a process pool: the slot that one worker JVM fills at a time, and the dispatch
 * thread {@code netrun-<pool>-<id>} that sends it tasks.
 *
 * <h2>Phases</h2>
 * <ul>
 *   <li>{@code IDLE} → {@code STARTING}: a JVM is launched; it has until the startup timeout to
 *       send its handshake.
 *   <li>{@code STARTING} → {@code READY}: the handshake arrived; the dispatch thread sends tasks.
 *   <li>{@code READY} → {@code STARTING}: the JVM reached its task limit, or was killed for a
 *       timeout or a cancellation; a replacement starts at once.
 *   <li>{@code READY} → {@code RETIRING}: a node's start hook failed in the JVM, which exits by
 *       itself; it gets no more tasks.
 *   <li>{@code STARTING}, {@code RETIRING} or {@code READY} → {@code BACKOFF} → {@code STARTING}:
 *       the start failed. That is, the JVM died before its handshake, a node's start hook failed
 *       in it, or it died idle before completing any task. The replacement waits 100 ms, doubling
 *       with every failed start in a row up to 5 s.
 *   <li>{@code BACKOFF} → {@code FAILED}: {@value #MAX_START_FAILURES} failures in a row. Tasks
 *       pinned to this worker fail with {@link WorkerStartException}; a new attempt follows every
 *       {@value #FAILED_RETRY_SECONDS} s.
 *   <li>any → {@code STOPPED}: the pool stops.
 * </ul>
 * A JVM that dies while running a task is replaced at once: the task caused it, not the start.
 *
 * <h2>Tasks in flight</h2>
 * The JVM runs tasks one at a time in the order they were sent. Besides the running task the
 * dispatch thread sends tasks ahead, so that a JVM running short tasks does not wait for the next
 * one: up to {@value #MAX_AHEAD} of them while the average task runs under
 * {@value #AHEAD_TARGET_NANOS} ns of work, up to {@value #MAX_AHEAD_BYTES} bytes, and no more than
 * this worker's share of the waiting tasks; none for longer tasks. A task much slower than the
 * average resets it at once. The first task in flight is the one running. When the JVM dies, that
 * task fails, and the tasks sent ahead, which never started, return to the front of the queue. A
 * task sent ahead and then cancelled with interruption ends the JVM when it starts, as a running
 * one does.
 *
 * <p>Every field below the lock is guarded by {@code lock}; {@code changed} is signalled when the
 * phase, the JVM or the room for tasks in flight changes.
 */
final class ProcessWorker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ProcessWorker.class);

    static final int MAX_AHEAD = 127;
    static final long AHEAD_TARGET_NANOS = 250_000;
    static final long MAX_AHEAD_BYTES = 1024 * 1024;
    static final int MAX_START_FAILURES = 5;
    static final long INITIAL_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 5_000;
    static final long FAILED_RETRY_SECONDS = 30;

    enum Phase { IDLE, STARTING, READY, RETIRING, BACKOFF, FAILED, STOPPED }

    private final ProcessWorkerGroup group;
    private final WorkerState state;
    private final int id;
    private final String poolName;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    private Phase phase = Phase.IDLE;
    private ChildProcess child;
    /** A JVM asked to stop after its task limit while its replacement starts. */
    private ChildProcess retiring;
    private CompletableFuture<ChildProcess> handshake = new CompletableFuture<>();
    private final ArrayDeque<PoolTask<?>> inFlight = new ArrayDeque<>();
    private long inFlightBytes;
    /** Moving average of the run time of this worker's tasks, or 0 before the first. */
    private long averageRunNanos;
    private long tasksSentToChild;
    /** Whether the current JVM has completed a task; one that dies idle before that counts as a failed start. */
    private boolean proven;
    /** Whether the current JVM reported a failed start hook and exits by itself. */
    private boolean hookFailed;
    /** The hook that failed and its task, for the log line written when that JVM exits. */
    private String hookFailure;
    private boolean replacing;
    private int consecutiveFailures;
    private String lastFailure;
    private final Set<String> nodesSent = new HashSet<>();
    private ScheduledFuture<?> pendingLaunch;
    private boolean shutdown;
    /**
     * Held while choosing tasks to send and writing them, by the dispatch thread or by a submitting
     * thread that sends directly, so that tasks reach the JVM in the order they were put in flight.
     * Taken before {@code lock}, never after it.
     */
    private final ReentrantLock sendLock = new ReentrantLock();

    /**
     * Whether the JVM is ready and has no task: a hint, read without the lock, that lets a
     * submitting thread skip {@link #sendDirect} cheaply while the worker is busy.
     */
    private volatile boolean idle;
    /** Whether the JVM is ready: a hint, read without the lock, for sharing a batch of queued tasks. */
    private volatile boolean ready;

    /** Results and exits seen, so that a busy dispatch thread can wait for the next one. */
    private long resultsSeen;

    /**
     * How long a dispatch thread whose JVM is busy waits for a result before it looks at the queue
     * again anyway. New tasks do not wake it, because they go to idle workers first.
     */
    static final long BUSY_POLL_MILLIS = 20;

    /** Tasks whose encoded form is smaller than this may be written by the submitting thread. */
    static final int MAX_DIRECT_PAYLOAD_BYTES = 16 * 1024;

    ProcessWorker(ProcessWorkerGroup group, WorkerState state) {
        this.group = group;
        this.state = state;
        this.id = state.getWorkerId();
        this.poolName = state.getPoolName();
    }

    WorkerState state() {
        return state;
    }

    // ---------------------------------------------------------------- lifecycle

    /** Resets the worker for a pool start and launches its first JVM; returns the handshake. */
    CompletableFuture<ChildProcess> startFirst() {
        lock.lock();
        try {
            shutdown = false;
            phase = Phase.IDLE;
            consecutiveFailures = 0;
            lastFailure = null;
            replacing = false;
            averageRunNanos = 0;
            launchLocked();
            return handshake;
        } finally {
            lock.unlock();
        }
    }

    /** Stops launching JVMs and sending tasks; the dispatch thread ends. */
    void shutdown() {
        lock.lock();
        try {
            shutdown = true;
            if (pendingLaunch != null) {
                pendingLaunch.cancel(false);
                pendingLaunch = null;
            }
            updateIdleLocked();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the current JVM after {@link #shutdown()}: a JVM that is ready runs its stop hooks and
     * exits, one that is still starting is killed. Returns the JVMs to wait for.
     */
    List<ChildProcess> stopChildren(ChildProcess.Termination reason) {
        List<ChildProcess> stopping = new ArrayList<>();
        lock.lock();
        try {
            if (child != null) {
                if (phase == Phase.READY && reason == ChildProcess.Termination.STOP_REQUESTED) {
                    child.requestStop();
                } else {
                    child.kill(phase == Phase.STARTING ? ChildProcess.Termination.START_ABORTED : reason);
                }
                stopping.add(child);
            }
            if (retiring != null) {
                stopping.add(retiring);
            }
            phase = Phase.STOPPED;
        } finally {
            lock.unlock();
        }
        return stopping;
    }

    /** Launches a JVM for this slot; called with the lock held. */
    private void launchLocked() {
        pendingLaunch = null;
        hookFailed = false;
        proven = false;
        tasksSentToChild = 0;
        nodesSent.clear();
        if (handshake.isDone()) {
            handshake = new CompletableFuture<>();
        }

        ChildProcess next;
        try {
            next = new ChildProcess(this, group.launcher().launch(id), poolName, id, group.maxPayloadBytes());
        } catch (IOException | RuntimeException e) {
            child = null;
            String reason = "its JVM could not be launched: " + e.getMessage() + ". Command line: "
                    + group.launcher().describe(id);
            WorkerStartException failure = new WorkerStartException(poolName, id,
                    "Worker " + id + " of pool '" + poolName + "' failed to start: " + reason, e);
            handshake.completeExceptionally(failure);
            if (replacing) {
                String nextStep = startFailedLocked(reason);
                log.warn("Worker {} of pool '{}' failed to start: {}; {}", id, poolName, reason, nextStep);
            } else {
                phase = Phase.FAILED;
            }
            return;
        }

        child = next;
        phase = Phase.STARTING;
        next.startThreads();
        long timeoutNanos = group.options().getStartupTimeout().toNanos();
        group.scheduler().schedule(() -> startupTimedOut(next), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void startupTimedOut(ChildProcess candidate) {
        lock.lock();
        try {
            if (child == candidate && phase == Phase.STARTING) {
                candidate.kill(ChildProcess.Termination.STARTUP_TIMEOUT);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Counts a failed start and schedules the next attempt with back-off; called with the lock held.
     * Returns what happens next, for the caller's log message.
     */
    private String startFailedLocked(String reason) {
        consecutiveFailures++;
        lastFailure = reason;
        if (shutdown) {
            phase = Phase.STOPPED;
            return "the pool is stopping";
        }
        if (consecutiveFailures >= MAX_START_FAILURES) {
            phase = Phase.FAILED;
            pendingLaunch = group.scheduler().schedule(this::relaunch, FAILED_RETRY_SECONDS, TimeUnit.SECONDS);
            group.scheduler().execute(() -> group.workerFailed(this));
            return "that is " + consecutiveFailures + " failed starts in a row, so the worker takes no tasks and tries "
                    + "again every " + FAILED_RETRY_SECONDS + " s";
        }
        long delay = Math.min(MAX_BACKOFF_MILLIS, INITIAL_BACKOFF_MILLIS << (consecutiveFailures - 1));
        phase = Phase.BACKOFF;
        pendingLaunch = group.scheduler().schedule(this::relaunch, delay, TimeUnit.MILLISECONDS);
        return "failed start " + consecutiveFailures + " in a row, next attempt in " + delay + " ms";
    }

    private void relaunch() {
        lock.lock();
        try {
            if (!shutdown && child == null) {
                replacing = true;
                launchLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Returns whether this worker can take tasks now. */
    boolean isReady() {
        lock.lock();
        try {
            return phase == Phase.READY;
        } finally {
            lock.unlock();
        }
    }

    /** Returns whether this worker gave up starting JVMs for now. */
    boolean isFailed() {
        lock.lock();
        try {
            return phase == Phase.FAILED;
        } finally {
            lock.unlock();
        }
    }

    /** Returns why this worker cannot start, for messages. */
    String failureSummary() {
        lock.lock();
        try {
            return "worker " + id + " failed to start " + consecutiveFailures + " times in a row; last failure: "
                    + lastFailure;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- dispatch

    /**
     * Runs the dispatch loop: waits for room in a ready JVM, takes tasks, sends them. Only while its
     * JVM has no task does this thread wait in the queue for new tasks, so that the queue hands
     * them to idle workers first. While the JVM is busy, this thread looks for more tasks to send
     * ahead each time a result frees room.
     */
    @Override
    public void run() {
        FrameBuffer prefix = new FrameBuffer(256);
        while (true) {
            ChildProcess target;
            boolean childIdle;
            long resultsBefore;
            lock.lock();
            try {
                while (!shutdown && !hasRoomLocked()) {
                    changed.awaitUninterruptibly();
                }
                if (shutdown) {
                    return;
                }
                target = child;
                childIdle = inFlight.isEmpty();
                resultsBefore = resultsSeen;
            } finally {
                lock.unlock();
            }

            PoolTask<?> first = childIdle ? group.queue().take(id) : group.queue().poll(id);
            if (first != null) {
                if (!send(target, first, prefix)) {
                    awaitChange(resultsBefore, BUSY_POLL_MILLIS);
                }
            } else if (childIdle) {
                // The queue is closed: the pool is stopping, and tasks may still come back to it.
                awaitChange(resultsBefore, 10);
            } else {
                awaitChange(resultsBefore, BUSY_POLL_MILLIS);
            }
        }
    }

    /** Waits until a result arrives or the JVM changes, or at most {@code millis}. */
    private void awaitChange(long resultsBefore, long millis) {
        long remaining = TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            while (!shutdown && resultsSeen == resultsBefore && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private boolean hasRoomLocked() {
        if (phase != Phase.READY || child == null) {
            return false;
        }
        long maxTasks = group.options().getMaxTasksPerWorker().orElse(0);
        if (maxTasks > 0 && tasksSentToChild >= maxTasks) {
            return false;
        }
        if (inFlight.isEmpty()) {
            return true;
        }
        return inFlightBytes < MAX_AHEAD_BYTES && inFlight.size() < window();
    }

    /** Returns the number of tasks the JVM may hold: the running one plus those sent ahead. */
    private int window() {
        if (averageRunNanos <= 0) {
            return 1;
        }
        return 1 + (int) Math.min(MAX_AHEAD, AHEAD_TARGET_NANOS / averageRunNanos);
    }

    /**
     * Sends {@code first} and as many more queued tasks as there is room for, in one write. Returns
     * {@code false} if this worker's JVM is busy and already has its share of the work, in which
     * case {@code first} went back to the queue.
     */
    private boolean send(ChildProcess target, PoolTask<?> first, FrameBuffer prefix) {
        List<PoolTask<?>> batch = new ArrayList<>();
        List<String> newNodes = new ArrayList<>();
        int share = group.shareOfWork(state.getActiveTasks());
        sendLock.lock();
        try {
            lock.lock();
            try {
                if (child != target || phase != Phase.READY) {
                    // The JVM went away while this thread waited for a task, which it never started.
                    group.requeue(List.of(first));
                    return true;
                }
                if (!hasRoomLocked() || (share < 1 && !inFlight.isEmpty())) {
                    // A direct send used the room while this thread waited, or other workers should
                    // take this task: tasks sent ahead cannot move to another worker.
                    group.requeue(List.of(first));
                    return false;
                }
                hold(first, batch, newNodes);
                for (int extra = 1; extra < share && hasRoomLocked(); extra++) {
                    PoolTask<?> next = group.queue().poll(id);
                    if (next == null) {
                        break;
                    }
                    hold(next, batch, newNodes);
                }
            } finally {
                lock.unlock();
            }
            write(target, batch, newNodes, prefix);
            return true;
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Sends a task from the submitting thread, skipping the queue and the wake-up of the dispatch
     * thread, if this worker's JVM is ready and idle and no other thread is sending to it. Returns
     * whether the task was taken; a task that was not must be queued.
     */
    boolean sendDirect(PoolTask<?> task) {
        if (!idle || task.payloadLength() >= MAX_DIRECT_PAYLOAD_BYTES || !sendLock.tryLock()) {
            return false;
        }
        try {
            List<PoolTask<?>> batch = new ArrayList<>(1);
            List<String> newNodes = new ArrayList<>(1);
            ChildProcess target;
            lock.lock();
            try {
                if (shutdown || !inFlight.isEmpty() || !hasRoomLocked()) {
                    return false;
                }
                target = child;
                hold(task, batch, newNodes);
            } finally {
                lock.unlock();
            }
            write(target, batch, newNodes, new FrameBuffer(64));
            return true;
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Writes NODE frames and then TASK frames, with the send lock held but not the worker's lock: a
     * write can block until the JVM reads, and the JVM may first need this worker's reader to take
     * its results. If the JVM died, its exit handling finds these tasks in flight.
     */
    private void write(ChildProcess target, List<PoolTask<?>> batch, List<String> newNodes, FrameBuffer prefix) {
        if (batch.isEmpty()) {
            return;
        }
        FrameWriter writer = target.writer();
        try {
            for (String node : newNodes) {
                byte[] nodeFrame = group.nodeFrame(node);
                writer.append(Frame.NODE, null, nodeFrame, nodeFrame.length);
            }
            for (PoolTask<?> task : batch) {
                prefix.reset(4096);
                prefix.writeLong(task.id());
                prefix.write(task.awaitsStage() ? Frame.FLAG_AWAIT_STAGE : 0);
                prefix.writeString(task.node());
                writer.append(Frame.TASK, prefix, task.payload());
            }
            writer.flush();
        } catch (IOException e) {
            log.debug("Sending tasks to worker {} ({}) of pool '{}' failed: {}", id, target, poolName, e.toString());
        }
    }

    private void updateIdleLocked() {
        ready = phase == Phase.READY && child != null && !shutdown;
        idle = ready && inFlight.isEmpty();
    }

    /** Returns whether the JVM can take tasks: a hint, read without the lock. */
    boolean isReadyHint() {
        return ready;
    }

    /** Adds a task to the tasks in flight; called with the lock held. */
    private void hold(PoolTask<?> task, List<PoolTask<?>> batch, List<String> newNodes) {
        if (!task.start(null)) {
            return;
        }
        inFlight.addLast(task);
        idle = false;
        inFlightBytes += task.payloadLength();
        tasksSentToChild++;
        state.acquireTask();
        batch.add(task);
        if (inFlight.size() == 1) {
            scheduleTimeoutLocked(task);
        }
        String node = task.node();
        if (node != null && group.hasNode(node) && nodesSent.add(node)) {
            newNodes.add(node);
        }
    }

    private void scheduleTimeoutLocked(PoolTask<?> task) {
        if (task.timeout() != null) {
            task.setTimeoutHandle(group.scheduler().schedule(() -> timedOut(task), task.timeout().toNanos(),
                    TimeUnit.NANOSECONDS));
        }
    }

    private void timedOut(PoolTask<?> task) {
        lock.lock();
        try {
            if (inFlight.peekFirst() != task || child == null) {
                return;
            }
            log.warn("Task {} on worker {} (pid {}) of pool '{}' timed out after {}; killing its worker JVM", task.id(),
                    id, child.pid(), poolName, Durations.format(task.timeout()));
            child.kill(ChildProcess.Termination.TIMEOUT, task.id());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Handles {@code cancel(true)} of a task sent to this worker's JVM: kills the JVM if it runs the task,
     * and otherwise leaves the task marked, so that the JVM is killed when it starts it (see
     * {@link #onResult}). Returns whether the task was sent to this worker's JVM.
     */
    boolean cancelIfRunning(PoolTask<?> task) {
        lock.lock();
        try {
            if (child == null || !inFlight.contains(task)) {
                return false;
            }
            if (inFlight.peekFirst() == task) {
                killForCancelledLocked(task);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void killForCancelledLocked(PoolTask<?> task) {
        log.warn("Task {} on worker {} (pid {}) of pool '{}' was cancelled while running; killing its worker JVM",
                task.id(), id, child.pid(), poolName);
        child.kill(ChildProcess.Termination.CANCELLED, task.id());
    }

    /** Kills the JVM because the pool's stop ran out of time. */
    void killForStop() {
        lock.lock();
        try {
            if (child != null) {
                child.kill(ChildProcess.Termination.POOL_STOPPED);
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- events from the JVM

    /** Handles a frame from a JVM, on its reader thread. */
    void onFrame(ChildProcess source, Frame frame) throws IOException {
        switch (frame.type()) {
            case Frame.HELLO:
                int version = new FrameInput(frame.payload()).readInt();
                if (version != Frame.PROTOCOL_VERSION) {
                    throw new IOException("Worker " + id + " speaks protocol version " + version + ", but pool '"
                            + poolName + "' speaks version " + Frame.PROTOCOL_VERSION
                            + "; give the worker JVMs the same netrun-pools version as the pool");
                }
                onHello(source);
                break;
            case Frame.RESULT:
            case Frame.RESULT_BYTES:
                onResult(source, frame);
                break;
            case Frame.STOPPED:
                break;
            default:
                throw new IOException("Unexpected frame of type " + frame.type() + " from worker " + id);
        }
    }

    private void onHello(ChildProcess source) {
        long startMillis;
        boolean replacement;
        lock.lock();
        try {
            if (child != source || phase != Phase.STARTING) {
                return;
            }
            phase = Phase.READY;
            replacement = replacing;
            state.setPid(source.pid());
            if (replacement) {
                state.countReplacement();
            }
            startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - source.launchedNanos());
            handshake.complete(source);
            updateIdleLocked();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (replacement) {
            log.info("Worker {} of pool '{}' is back with a new JVM (pid {}), started in {} ms", id, poolName,
                    source.pid(), startMillis);
        } else {
            log.debug("Worker {} of pool '{}' started its JVM (pid {}) in {} ms", id, poolName, source.pid(),
                    startMillis);
        }
    }

    private void onResult(ChildProcess source, Frame frame) throws IOException {
        FrameInput in = new FrameInput(frame.payload());
        long taskId = in.readLong();
        byte status = in.readByte();
        long runNanos = in.readLong();

        PoolTask<?> task;
        boolean recycle = false;
        lock.lock();
        try {
            PoolTask<?> head = inFlight.peekFirst();
            if (child != source || head == null || head.id() != taskId) {
                throw new IOException("Worker " + id + " returned a result for task " + taskId + " but was running "
                        + (head == null ? "no task" : "task " + head.id()) + "; its frame stream is out of step");
            }
            task = inFlight.pollFirst();
            inFlightBytes -= task.payloadLength();
            state.releaseTask();
            // A task far slower than the average resets it at once, so that slow tasks stop being sent
            // ahead after the first one. Faster ones pull it down gradually.
            averageRunNanos = averageRunNanos == 0 || runNanos > 4 * averageRunNanos ? Math.max(1, runNanos)
                    : averageRunNanos + (runNanos - averageRunNanos) / 8;

            if (status == Frame.STATUS_NODE_START_FAILED) {
                hookFailed = true;
                hookFailure = "the start hook of node '" + task.node() + "' failed for task " + taskId + " ("
                        + group.describeFailure(task, frame.payload(), in.position()) + ")";
                phase = Phase.RETIRING;
            } else {
                proven = true;
                consecutiveFailures = 0;
                // Only nodes whose hooks this JVM received get initialized there.
                if (task.node() != null && status != Frame.STATUS_NOT_RUN && nodesSent.contains(task.node())) {
                    state.markNodeInitialized(task.node());
                }
            }
            PoolTask<?> next = inFlight.peekFirst();
            if (next != null && next.isCancelledWithInterrupt()) {
                // Cancelled while it waited here, and the JVM has just started it.
                killForCancelledLocked(next);
            } else if (next != null) {
                scheduleTimeoutLocked(next);
            }
            resultsSeen++;
            long maxTasks = group.options().getMaxTasksPerWorker().orElse(0);
            recycle = maxTasks > 0 && tasksSentToChild >= maxTasks && inFlight.isEmpty() && phase == Phase.READY;
            updateIdleLocked();
            changed.signalAll();
        } finally {
            lock.unlock();
        }

        if (recycle) {
            recycle(source);
        }
        source.complete(() -> group.complete(task, status, frame, in, id, source.pid()));
    }

    /** Returns whether {@code thread} reads frames from this worker's JVM now. */
    boolean isReaderThread(Thread thread) {
        lock.lock();
        try {
            return child != null && child.isReader(thread);
        } finally {
            lock.unlock();
        }
    }

    /** Gives reading to a new thread if a callback blocks the reader of this worker's JVM. */
    void handOverStalledReader() {
        ChildProcess current;
        lock.lock();
        try {
            current = child;
        } finally {
            lock.unlock();
        }
        if (current != null) {
            current.handOverIfStalled();
        }
    }

    /** Replaces a JVM that reached its task limit: it stops after its stop hooks, a new one starts. */
    private void recycle(ChildProcess source) {
        lock.lock();
        try {
            if (child != source || phase != Phase.READY || shutdown) {
                return;
            }
            log.info("Worker {} (pid {}) of pool '{}' reached its limit of {} tasks; replacing its JVM", id,
                    source.pid(), poolName, tasksSentToChild);
            retiring = source;
            state.setPid(-1);
            state.clearInitializedNodes();
            source.requestStop();
            replacing = true;
            launchLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Handles the end of a JVM, on its reader thread, after its exit status is known. */
    void onExit(ChildProcess source, int exitStatus) {
        PoolTask<?> failedTask = null;
        Throwable failure = null;
        List<PoolTask<?>> unstarted = new ArrayList<>();
        String event = null;
        boolean error = false;
        boolean dropUnstarted;

        lock.lock();
        try {
            if (source == retiring) {
                retiring = null;
                log.debug("Worker {} of pool '{}': retired JVM (pid {}) exited with {}", id, poolName, source.pid(),
                        describeExit(exitStatus, source.stderr()));
                return;
            }
            if (source != child) {
                return;
            }
            Phase ended = phase;
            ChildProcess.Termination termination = source.termination();
            child = null;
            state.setPid(-1);
            state.clearInitializedNodes();

            // The first task in flight is the only one the JVM may have started, unless a start
            // hook failed: then the JVM exited right after sending that failure and started nothing else.
            PoolTask<?> head = inFlight.pollFirst();
            if (head != null) {
                state.releaseTask();
                if (hookFailed) {
                    unstarted.add(head);
                } else {
                    failedTask = head;
                    failure = headFailure(source, head, termination, exitStatus);
                }
            }
            for (PoolTask<?> task = inFlight.pollFirst(); task != null; task = inFlight.pollFirst()) {
                state.releaseTask();
                unstarted.add(task);
            }
            inFlightBytes = 0;
            resultsSeen++;
            dropUnstarted = shutdown;

            if (ended == Phase.STARTING) {
                String reason = startFailureReason(source, termination, exitStatus);
                handshake.completeExceptionally(new WorkerStartException(poolName, id, "Worker " + id + " of pool '"
                        + poolName + "' failed to start: " + reason, null));
                if (replacing) {
                    event = "Worker " + id + " of pool '" + poolName + "' failed to start: " + reason + "; "
                            + startFailedLocked(reason);
                } else {
                    phase = Phase.FAILED;
                }
            } else if (shutdown) {
                phase = Phase.STOPPED;
            } else if (hookFailed) {
                event = "Worker " + id + " (pid " + source.pid() + ") of pool '" + poolName + "' replaces its JVM "
                        + "because " + hookFailure + "; " + startFailedLocked(hookFailure);
            } else if (termination == ChildProcess.Termination.TIMEOUT
                    || termination == ChildProcess.Termination.CANCELLED) {
                // Logged when the task was timed out or cancelled; the JVM itself did nothing wrong.
                replacing = true;
                launchLocked();
            } else if (termination == ChildProcess.Termination.CORRUPT_OUTPUT) {
                event = "Worker " + id + " (pid " + source.pid() + ") of pool '" + poolName + "' sent a corrupted "
                        + (head == null ? "frame" : "result for task " + head.id()) + ", most likely because code in "
                        + "it wrote to file descriptor 1 (standard output) directly; " + consequences(head != null, 0);
                error = true;
                replacing = true;
                launchLocked();
            } else if (head == null && !proven) {
                String reason = "its JVM (pid " + source.pid() + ") died before completing a task: "
                        + describeExit(exitStatus, source.stderr()) + source.stderr().format();
                event = "Worker " + id + " of pool '" + poolName + "' failed to start: " + reason + " Next: "
                        + startFailedLocked(reason);
                error = true;
            } else {
                // A task that kills its JVM is the task's fault: replace the JVM at once.
                event = crashEvent(source, head, exitStatus, unstarted.size());
                error = true;
                replacing = true;
                launchLocked();
            }
            updateIdleLocked();
            changed.signalAll();
        } finally {
            lock.unlock();
        }

        if (event != null && error) {
            log.error(event);
        } else if (event != null) {
            log.warn(event);
        }
        if (failedTask != null) {
            failedTask.finishResolved(null, failure);
        }
        requeue(unstarted, dropUnstarted);
    }

    /** Puts tasks a JVM held without starting back in the queue, or drops them if the pool is stopping. */
    private void requeue(List<PoolTask<?>> tasks, boolean drop) {
        List<PoolTask<?>> queued = new ArrayList<>();
        for (PoolTask<?> task : tasks) {
            if (drop) {
                task.drop(task.droppedAtStop());
            } else if (task.returnToQueue()) {
                queued.add(task);
            }
        }
        if (!queued.isEmpty()) {
            group.requeue(queued);
        }
    }

    private Throwable headFailure(ChildProcess source, PoolTask<?> head, ChildProcess.Termination termination,
            int exitStatus) {
        boolean aboutHead = source.terminatedTaskId() == head.id();
        if (termination == ChildProcess.Termination.TIMEOUT && aboutHead) {
            return new TaskTimeoutException(poolName, id, head.id(), head.timeout(),
                    "its worker JVM (pid " + source.pid() + ") was killed and is being replaced");
        }
        if (termination == ChildProcess.Termination.CANCELLED && aboutHead) {
            return new CancellationException("Task " + head.id() + " of pool '" + poolName + "' was cancelled");
        }
        String why = switch (termination == null ? ChildProcess.Termination.STOP_REQUESTED : termination) {
            case POOL_STOPPED -> "was killed because pool '" + poolName + "' stopped before task " + head.id() + " ended";
            case CORRUPT_OUTPUT -> "was killed because the result of task " + head.id() + " arrived corrupted, most "
                    + "likely by code in the worker that wrote to file descriptor 1 (standard output) directly";
            default -> "died while running task " + head.id();
        };
        return new WorkerCrashedException("Worker " + id + " (pid " + source.pid() + ") of pool '" + poolName + "' "
                + why + ": " + describeExit(exitStatus, source.stderr()) + "." + source.stderr().format(), poolName, id, source.pid(),
                exitStatus, signalOf(exitStatus), source.stderr().lines());
    }

    private String crashEvent(ChildProcess source, PoolTask<?> head, int exitStatus, int requeued) {
        String holding = head == null ? "while idle" : "while running task " + head.id();
        return "Worker " + id + " (pid " + source.pid() + ") of pool '" + poolName + "' died " + holding + ": "
                + describeExit(exitStatus, source.stderr()) + "; " + consequences(head != null, requeued)
                + source.stderr().format();
    }

    /** Lists what a lost JVM means for its tasks, as one sentence ending with its replacement. */
    static String consequences(boolean taskFails, int requeued) {
        List<String> parts = new ArrayList<>();
        if (taskFails) {
            parts.add("the task fails");
        }
        if (requeued > 0) {
            parts.add(requeued + " task(s) sent ahead return to the queue");
        }
        if (parts.isEmpty()) {
            return "a replacement starts.";
        }
        return String.join(", ", parts) + ", and a replacement starts.";
    }

    private String startFailureReason(ChildProcess source, ChildProcess.Termination termination, int exitStatus) {
        String reason;
        if (termination == ChildProcess.Termination.STARTUP_TIMEOUT) {
            reason = "its JVM (pid " + source.pid() + ") did not complete the handshake within "
                    + Durations.format(group.options().getStartupTimeout());
        } else if (termination == ChildProcess.Termination.START_ABORTED) {
            reason = "its start was abandoned because another worker of the pool failed to start";
        } else {
            reason = "its JVM (pid " + source.pid() + ") exited before the handshake with "
                    + describeExit(exitStatus, source.stderr());
        }
        return reason + ". Command line: " + group.launcher().describe(id) + "." + source.stderr().format();
    }

    /**
     * Describes an exit status: the signal it encodes where it is 128 + a signal number, and
     * what it means where the JVM's own last output confirms the cause, because a task can exit
     * with any status through {@code System.exit}.
     */
    static String describeExit(int status, StderrTail output) {
        if (status < 0) {
            return "an unknown exit status";
        }
        int signal = signalOf(status);
        if (signal > 0) {
            return "exit status " + status + " (signal " + signal + signalName(signal) + ")";
        }
        String meaning = "";
        if (status == 3 && output.contains("OutOfMemoryError")) {
            meaning = " (out of memory)";
        } else if (status == WorkerMain.EXIT_FATAL_ERROR && output.contains("exits because task")) {
            meaning = " (a task threw a VirtualMachineError)";
        }
        return "exit status " + status + meaning;
    }

    private static int signalOf(int status) {
        return status > 128 && status <= 128 + 64 ? status - 128 : 0;
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 1 -> ", SIGHUP";
            case 2 -> ", SIGINT";
            case 3 -> ", SIGQUIT";
            case 4 -> ", SIGILL";
            case 6 -> ", SIGABRT";
            case 7 -> ", SIGBUS";
            case 8 -> ", SIGFPE";
            case 9 -> ", SIGKILL";
            case 11 -> ", SIGSEGV";
            case 13 -> ", SIGPIPE";
            case 15 -> ", SIGTERM";
            default -> "";
        };
    }
}
