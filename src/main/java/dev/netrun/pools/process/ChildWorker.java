package dev.netrun.pools.process;

import dev.netrun.pools.DeserializationRejectedException;
import dev.netrun.pools.NodeHook;
import dev.netrun.pools.NodeStartException;
import dev.netrun.pools.Serialization;
import dev.netrun.pools.UnserializableValueException;
import dev.netrun.pools.WorkerContext;
import java.io.IOException;
import java.io.InvalidClassException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * The task loop of a worker JVM: read a frame, run what it requests, send the result, repeat. Tasks run one
 * at a time on the main thread, in the order they arrive. Every result is flushed before the next
 * task starts, so when the worker dies the pool can tell that the first unanswered task is the only
 * one that may have started.
 */
final class ChildWorker {

    private static final int KEPT_BUFFER_BYTES = 1024 * 1024;

    /** The decoded hooks of one node, or why they could not be decoded. */
    private record Hooks(NodeHook start, NodeHook stop, Exception decodeFailure) {
    }

    private final String pool;
    private final int workerId;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final ValueCodec codec;
    private final ThrowableCodec throwables;
    private final WorkerContext context;
    private final ClassLoader loader = ClassLoader.getSystemClassLoader();
    private final FrameBuffer result = new FrameBuffer(4096);
    private final Map<String, Hooks> hooks = new HashMap<>();
    private final LinkedHashSet<String> initializedNodes = new LinkedHashSet<>();

    ChildWorker(String pool, int workerId, FrameReader reader, FrameWriter writer, ValueCodec codec) {
        this.pool = pool;
        this.workerId = workerId;
        this.reader = reader;
        this.writer = writer;
        this.codec = codec;
        this.throwables = new ThrowableCodec(codec);
        this.context = new WorkerContext(pool, workerId);
    }

    void run() {
        // An anonymous class, not a lambda: the path to the handshake stays clear of java.lang.invoke.
        Callable<Void> loop = new Callable<>() {
            @Override
            public Void call() throws IOException {
                loop();
                return null;
            }
        };
        try {
            context.call(loop);
        } catch (Throwable e) {
            System.err.println("Worker " + workerId + " of pool '" + pool + "' failed: " + e);
            e.printStackTrace();
            Runtime.getRuntime().halt(WorkerMain.EXIT_PROTOCOL_ERROR);
        }
    }

    private void loop() throws IOException {
        FrameBuffer hello = new FrameBuffer(16);
        hello.writeInt(Frame.PROTOCOL_VERSION);
        writer.append(Frame.HELLO, hello);
        writer.flush();
        WorkerMain.watchParent();

        Frame frame;
        while ((frame = reader.read()) != null) {
            switch (frame.type()) {
                case Frame.TASK:
                    runTask(frame);
                    break;
                case Frame.NODE:
                    addNode(new FrameInput(frame.payload()));
                    break;
                case Frame.STOP:
                    stop();
                    return;
                default:
                    throw new InvalidClassException("Unexpected frame of type " + frame.type() + " from the pool");
            }
        }
        // The pool closed standard input without a STOP frame: its JVM is gone or killed this one.
        Runtime.getRuntime().halt(WorkerMain.EXIT_PARENT_GONE);
    }

    private void addNode(FrameInput in) throws IOException {
        String node = in.readString();
        byte[] start = in.readBytes();
        byte[] stop = in.readBytes();
        try {
            hooks.put(node, new Hooks(decodeHook(start, "start hook of node '" + node + "'"),
                    decodeHook(stop, "stop hook of node '" + node + "'"), null));
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            hooks.put(node, new Hooks(null, null, e));
        }
    }

    private NodeHook decodeHook(byte[] encoded, String what) throws IOException, ClassNotFoundException {
        if (encoded == null) {
            return null;
        }
        Object hook = codec.decode(new FrameInput(encoded), loader, what);
        if (!(hook instanceof NodeHook)) {
            throw new ClassCastException("The " + what + " decoded to " + hook.getClass().getName()
                    + ", which is not a NodeHook");
        }
        return (NodeHook) hook;
    }

    private void runTask(Frame frame) throws IOException {
        FrameInput in = new FrameInput(frame.payload());
        long taskId = in.readLong();
        boolean awaitStage = (in.readByte() & Frame.FLAG_AWAIT_STAGE) != 0;
        String node = in.readString();
        String what = "task " + taskId;

        if (frame.isOversized() && frame.length() <= codec.limits().maxBytes() + Frame.MAX_OVERHEAD_BYTES) {
            sendFailure(taskId, Frame.STATUS_NOT_RUN, 0, new OutOfMemoryError("Task " + taskId + " was skipped: its "
                    + frame.length() + " bytes do not fit in the free heap of worker " + workerId + " of pool '" + pool
                    + "'; give the worker JVMs more heap (-Xmx in ProcessOptions.jvmArguments) or send less data"));
            return;
        }
        if (frame.isOversized()) {
            sendFailure(taskId, Frame.STATUS_NOT_RUN, 0, new DeserializationRejectedException("Deserialization of "
                    + what + " was rejected: its frame of " + frame.length() + " bytes exceeds maxBytes "
                    + codec.limits().maxBytes() + "; raise DeserializationLimits.maxBytes or send a smaller value",
                    "maxBytes"));
            return;
        }
        Callable<?> task;
        try {
            Object decoded = codec.decode(in, loader, what);
            if (!(decoded instanceof Callable)) {
                throw new ClassCastException("Task " + taskId + " decoded to "
                        + (decoded == null ? "null" : decoded.getClass().getName()) + ", which is not a Callable");
            }
            task = (Callable<?>) decoded;
        } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
            sendFailure(taskId, Frame.STATUS_NOT_RUN, 0, e);
            return;
        }

        if (node != null && !initializedNodes.contains(node)) {
            startNode(taskId, node);
        }

        long started = System.nanoTime();
        Object value;
        try {
            value = task.call();
            if (awaitStage) {
                value = await(value, taskId);
            }
        } catch (VirtualMachineError e) {
            exitAfterFatalError(taskId, e);
            return;
        } catch (Throwable e) {
            sendFailure(taskId, Frame.STATUS_FAILED, System.nanoTime() - started, e);
            return;
        }
        sendValue(taskId, System.nanoTime() - started, value);
    }

    /** Runs a node's start hook; if it fails, sends the failure as the task's result and exits. */
    private void startNode(long taskId, String node) throws IOException {
        Hooks nodeHooks = hooks.get(node);
        if (nodeHooks == null) {
            // No lifecycle registered (yet): nothing to start, and nothing to mark, so that hooks
            // registered later still run before the node's next task here.
            return;
        }
        try {
            if (nodeHooks.decodeFailure() != null) {
                throw nodeHooks.decodeFailure();
            }
            if (nodeHooks.start() != null) {
                context.run(nodeHooks.start());
            }
            initializedNodes.add(node);
        } catch (VirtualMachineError e) {
            exitAfterFatalError(taskId, e);
        } catch (Throwable e) {
            sendFailure(taskId, Frame.STATUS_NODE_START_FAILED, 0, new NodeStartException(node, pool, workerId, e));
            runStopHooks();
            System.exit(WorkerMain.EXIT_NODE_START_FAILED);
        }
    }

    private static Object await(Object value, long taskId) throws Throwable {
        if (!(value instanceof CompletionStage)) {
            throw new ClassCastException("Task " + taskId + " was submitted with submitStage but returned "
                    + (value == null ? "null" : value.getClass().getName()) + ", which is not a CompletionStage");
        }
        try {
            return ((CompletionStage<?>) value).toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw e.getCause() != null ? e.getCause() : e;
        }
    }

    private void sendValue(long taskId, long runNanos, Object value) throws IOException {
        if (value instanceof byte[] bytes && bytes.length <= codec.limits().maxBytes()) {
            // Written straight from the task's array, without a copy into the result buffer.
            startResult(taskId, Frame.STATUS_OK, runNanos);
            writer.append(Frame.RESULT_BYTES, result, bytes, bytes.length);
            writer.flush();
            return;
        }
        startResult(taskId, Frame.STATUS_OK, runNanos);
        int valueStart = result.size();
        Throwable failure = null;
        try {
            codec.encode(value, result);
        } catch (IOException | RuntimeException e) {
            failure = unserializable(value, taskId, e);
        }
        if (failure == null && result.size() - valueStart > codec.limits().maxBytes()) {
            failure = new DeserializationRejectedException("Result of task " + taskId + " was not sent: its size of "
                    + (result.size() - valueStart) + " bytes exceeds maxBytes " + codec.limits().maxBytes()
                    + "; raise DeserializationLimits.maxBytes in the pool's ProcessOptions or return less data",
                    "maxBytes");
        }
        if (failure != null) {
            sendFailure(taskId, Frame.STATUS_FAILED, runNanos, failure);
            return;
        }
        sendResult();
    }

    private UnserializableValueException unserializable(Object value, long taskId, Exception failure) {
        String what = "result of task " + taskId + " on worker " + workerId + " of pool '" + pool + "'";
        try {
            Serialization.requireSerializable(value, what);
        } catch (UnserializableValueException e) {
            return e;
        }
        return new UnserializableValueException("Value (" + what
                + ") cannot be serialized for process pool execution: " + failure, null, null, failure);
    }

    private void sendFailure(long taskId, byte status, long runNanos, Throwable failure) throws IOException {
        startResult(taskId, status, runNanos);
        throwables.encode(failure, result);
        sendResult();
    }

    private void startResult(long taskId, byte status, long runNanos) {
        result.reset(KEPT_BUFFER_BYTES);
        result.writeLong(taskId);
        result.write(status);
        result.writeLong(runNanos);
    }

    private void sendResult() throws IOException {
        writer.append(Frame.RESULT, result);
        writer.flush();
    }

    /**
     * Reports a VirtualMachineError on standard error and exits at once, because the error leaves
     * the JVM suspect. The summary comes last so that it stays in the pool's tail of standard error.
     */
    private void exitAfterFatalError(long taskId, VirtualMachineError error) {
        System.err.println(error);
        StackTraceElement[] frames = error.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 8); i++) {
            System.err.println("\tat " + frames[i]);
        }
        System.err.println("Worker " + workerId + " of pool '" + pool + "' exits because task " + taskId + " threw "
                + error);
        System.err.flush();
        Runtime.getRuntime().halt(WorkerMain.EXIT_FATAL_ERROR);
    }

    private void stop() throws IOException {
        runStopHooks();
        writer.append(Frame.STOPPED, new FrameBuffer(16));
        writer.flush();
        System.out.flush();
        System.exit(0);
    }

    /** Runs the stop hooks of the initialized nodes, newest first; failures go to standard error. */
    private void runStopHooks() {
        List<String> nodes = new ArrayList<>(initializedNodes);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Hooks nodeHooks = hooks.get(nodes.get(i));
            if (nodeHooks == null || nodeHooks.stop() == null) {
                continue;
            }
            try {
                context.run(nodeHooks.stop());
            } catch (Throwable e) {
                System.err.println("Stop hook of node '" + nodes.get(i) + "' failed on worker " + workerId + " of pool '"
                        + pool + "': " + e);
                e.printStackTrace();
            }
        }
        initializedNodes.clear();
    }
}
