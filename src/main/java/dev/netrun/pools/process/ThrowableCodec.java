package dev.netrun.pools.process;

import dev.netrun.pools.RemoteTaskException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Encodes an exception thrown in a worker JVM twice: by Java serialization, so that the pool can
 * rebuild the original, and as a plain description (class name, message, stack frames, cause and
 * suppressed exceptions), from which the pool builds a {@link RemoteTaskException} stand-in when
 * the original cannot be rebuilt.
 */
public final class ThrowableCodec {

    private static final int MAX_DEPTH = 16;
    private static final int MAX_FRAMES = 1024;
    private static final int MAX_SUPPRESSED = 16;

    private final ValueCodec values;

    public ThrowableCodec(ValueCodec values) {
        this.values = values;
    }

    /** Appends both encodings of an exception. */
    public void encode(Throwable failure, FrameBuffer out) {
        int lengthPosition = out.size();
        out.writeInt(-1);
        int start = out.size();
        try {
            values.writeSerialized(failure, out);
        } catch (IOException | RuntimeException e) {
            out.truncate(start);
        }
        if (out.size() > start) {
            out.setInt(lengthPosition, out.size() - start);
        }
        describe(failure, out, 0, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private void describe(Throwable failure, FrameBuffer out, int depth, Set<Throwable> seen) {
        seen.add(failure);
        out.writeString(failure.getClass().getName());
        out.writeString(failure.getMessage());
        StackTraceElement[] frames = failure.getStackTrace();
        int frameCount = Math.min(frames.length, MAX_FRAMES);
        out.writeInt(frameCount);
        for (int i = 0; i < frameCount; i++) {
            out.writeString(frames[i].getClassName());
            out.writeString(frames[i].getMethodName());
            out.writeString(frames[i].getFileName());
            out.writeInt(frames[i].getLineNumber());
        }

        Throwable cause = failure.getCause();
        boolean describeCause = cause != null && depth < MAX_DEPTH && !seen.contains(cause);
        out.write(describeCause ? 1 : 0);
        if (describeCause) {
            describe(cause, out, depth + 1, seen);
        }

        Throwable[] suppressed = failure.getSuppressed();
        int suppressedCount = depth < MAX_DEPTH ? Math.min(suppressed.length, MAX_SUPPRESSED) : 0;
        int described = 0;
        for (int i = 0; i < suppressedCount; i++) {
            if (!seen.contains(suppressed[i])) {
                described++;
            }
        }
        out.writeInt(described);
        for (int i = 0; i < suppressedCount; i++) {
            if (!seen.contains(suppressed[i])) {
                describe(suppressed[i], out, depth + 1, seen);
            }
        }
    }

    /**
     * Reads an exception written by {@link #encode}: the original if it can be rebuilt with
     * {@code loader}, otherwise its stand-in.
     */
    public Throwable decode(FrameInput in, ClassLoader loader, String what) throws IOException {
        int length = in.readInt();
        Throwable original = null;
        if (length >= 0) {
            int start = in.position();
            in.skip(length);
            try {
                Object decoded = values.readSerialized(new ByteArrayInputStream(in.array(), start, length), loader, what);
                original = decoded instanceof Throwable throwable ? throwable : null;
            } catch (IOException | ClassNotFoundException | RuntimeException e) {
                original = null;
            }
        }
        Throwable standIn = readDescription(in);
        return original != null ? original : standIn;
    }

    private RemoteTaskException readDescription(FrameInput in) throws IOException {
        String className = in.readString();
        String message = in.readString();
        int frameCount = in.readInt();
        StackTraceElement[] frames = new StackTraceElement[frameCount];
        for (int i = 0; i < frameCount; i++) {
            String declaringClass = in.readString();
            String method = in.readString();
            String file = in.readString();
            frames[i] = new StackTraceElement(declaringClass, method, file, in.readInt());
        }
        RemoteTaskException cause = in.readByte() == 1 ? readDescription(in) : null;
        RemoteTaskException standIn = new RemoteTaskException(className, message, frames, cause);
        int suppressedCount = in.readInt();
        for (int i = 0; i < suppressedCount; i++) {
            standIn.addSuppressed(readDescription(in));
        }
        return standIn;
    }
}
