package dev.netrun.pools.process;

import dev.netrun.pools.DeserializationLimits;
import dev.netrun.pools.DeserializationRejectedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.nio.charset.StandardCharsets;

/**
 * Encodes the values that cross between a process pool and its worker JVMs (tasks, hooks, results)
 * and decodes them under the pool's {@link DeserializationLimits}. Values of a few common types
 * travel in a compact form of their own; everything else travels by Java serialization, and is
 * read back through an {@link ObjectInputFilter} that enforces the limits and the allowed classes.
 * Thread safe.
 */
public final class ValueCodec {

    private static final byte TAG_NULL = 0;
    private static final byte TAG_SERIALIZED = 1;
    private static final byte TAG_BYTES = 2;
    private static final byte TAG_STRING = 3;
    private static final byte TAG_INT = 4;
    private static final byte TAG_LONG = 5;
    private static final byte TAG_TRUE = 6;
    private static final byte TAG_FALSE = 7;
    private static final byte TAG_DOUBLE = 8;

    /** The header every Java serialization stream starts with: magic 0xACED, version 5. */
    private static final byte[] STREAM_HEADER = {(byte) 0xAC, (byte) 0xED, 0x00, 0x05};

    private final DeserializationLimits limits;
    private final String allowedClasses;
    private final ObjectInputFilter allowedFilter;

    /**
     * One object stream per encoding thread, kept across values because building one costs more
     * than writing a small value. Values stay independent: each encoding starts with a stream
     * header and a reset, so it decodes on its own and shares no back-references with the last.
     */
    private final ThreadLocal<ReusableObjectStream> objectStreams = new ThreadLocal<>();


    /**
     * Creates a codec.
     *
     * @param limits the limits every decoded value must respect
     * @param allowedClasses a filter pattern that narrows the classes that may be decoded, or
     *     {@code null} for any class
     */
    public ValueCodec(DeserializationLimits limits, String allowedClasses) {
        this.limits = limits;
        this.allowedClasses = allowedClasses;
        this.allowedFilter = allowedClasses == null ? null : ObjectInputFilter.Config.createFilter(allowedClasses);
    }

    public DeserializationLimits limits() {
        return limits;
    }

    /**
     * Appends the encoding of a value. On failure the buffer contains a partial encoding, which the
     * caller discards.
     *
     * @throws IOException if Java serialization fails, such as {@link java.io.NotSerializableException}
     */
    public void encode(Object value, FrameBuffer out) throws IOException {
        if (value == null) {
            out.write(TAG_NULL);
        } else if (value instanceof byte[] bytes) {
            out.write(TAG_BYTES);
            out.writeInt(bytes.length);
            out.write(bytes, 0, bytes.length);
        } else if (value instanceof String text) {
            out.write(TAG_STRING);
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8, 0, utf8.length);
        } else if (value instanceof Integer number) {
            out.write(TAG_INT);
            out.writeInt(number);
        } else if (value instanceof Long number) {
            out.write(TAG_LONG);
            out.writeLong(number);
        } else if (value instanceof Boolean flag) {
            out.write(flag ? TAG_TRUE : TAG_FALSE);
        } else if (value instanceof Double number) {
            out.write(TAG_DOUBLE);
            out.writeLong(Double.doubleToRawLongBits(number));
        } else {
            out.write(TAG_SERIALIZED);
            writeSerialized(value, out);
        }
    }

    /**
     * An encoded value in segments: every segment is full except the last, of which the first
     * {@code lastLength} bytes count.
     *
     * @param segments the segments, at least one
     * @param lastLength the bytes used in the last segment
     */
    public record Encoded(byte[][] segments, int lastLength) {

        /** Returns a one-segment encoding of an array. */
        public static Encoded of(byte[] bytes) {
            return new Encoded(new byte[][] {bytes}, bytes.length);
        }

        /** Returns the number of bytes. */
        public long length() {
            long length = lastLength;
            for (int i = 0; i < segments.length - 1; i++) {
                length += segments[i].length;
            }
            return length;
        }
    }

    /**
     * Encodes a value through buffers this thread keeps. A large encoding stays in the segments it
     * was written to, so its bytes are written once and never copied.
     *
     * @throws IOException if Java serialization fails
     */
    public Encoded encodeToBytes(Object value) throws IOException {
        if (value == null || value instanceof byte[] || value instanceof String || value instanceof Integer
                || value instanceof Long || value instanceof Boolean || value instanceof Double) {
            FrameBuffer small = new FrameBuffer(64);
            encode(value, small);
            return Encoded.of(small.toByteArray());
        }
        ReusableObjectStream stream = objectStreams.get();
        SegmentedBuffer segments = stream == null ? new SegmentedBuffer() : stream.segments;
        try {
            segments.write(TAG_SERIALIZED);
            writeSerialized(value, segments);
            return segments.take();
        } catch (IOException | RuntimeException e) {
            segments.clear();
            throw e;
        }
    }

    /** Appends a Java-serialized value, through this thread's reusable object stream. */
    void writeSerialized(Object value, java.io.OutputStream out) throws IOException {
        ReusableObjectStream stream = objectStreams.get();
        if (stream == null || stream.sink.target != null) {
            // None yet, or this thread is already inside writeSerialized (a value whose own
            // serialization encodes another): that one gets a stream of its own.
            stream = new ReusableObjectStream();
            if (objectStreams.get() == null) {
                objectStreams.set(stream);
            }
        }
        out.write(STREAM_HEADER, 0, STREAM_HEADER.length);
        stream.sink.target = out;
        boolean written = false;
        try {
            stream.objects.reset();
            stream.objects.writeObject(value);
            stream.objects.flush();
            written = true;
        } finally {
            stream.sink.target = null;
            if (!written && objectStreams.get() == stream) {
                // A failed write leaves the stream in an unknown state.
                objectStreams.remove();
            }
        }
    }

    /** An object stream whose bytes go to whichever buffer is being encoded into. */
    private static final class ReusableObjectStream {
        final RedirectingOutputStream sink = new RedirectingOutputStream();
        final ObjectOutputStream objects;
        final SegmentedBuffer segments = new SegmentedBuffer();

        ReusableObjectStream() throws IOException {
            // The header written here goes nowhere; writeSerialized writes one per value.
            objects = new CompactObjectOutputStream(sink);
        }
    }

    /** Writes class descriptors in the compact form of {@link CompactClassDescriptors}. */
    private static final class CompactObjectOutputStream extends ObjectOutputStream {
        CompactObjectOutputStream(java.io.OutputStream out) throws IOException {
            super(out);
        }

        @Override
        protected void writeClassDescriptor(ObjectStreamClass descriptor) throws IOException {
            CompactClassDescriptors.write(descriptor, this);
        }
    }

    private static final class RedirectingOutputStream extends java.io.OutputStream {
        java.io.OutputStream target;

        @Override
        public void write(int b) throws IOException {
            if (target != null) {
                target.write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (target != null) {
                target.write(bytes, offset, length);
            }
        }
    }

    /**
     * Decodes a value that takes up the rest of {@code in}.
     *
     * @param in the payload, positioned at the value
     * @param loader the class loader that resolves the value's classes
     * @param what what the value is, for messages, such as "result of task 17"
     * @throws DeserializationRejectedException if the value exceeds a limit or uses a class that is
     *     not allowed
     * @throws IOException if the encoding is corrupt
     * @throws ClassNotFoundException if a class of the value cannot be loaded
     */
    public Object decode(FrameInput in, ClassLoader loader, String what) throws IOException, ClassNotFoundException {
        int length = in.remaining();
        if (length - 1 > limits.maxBytes()) {
            throw rejected(what, "maxBytes", "its size of " + (length - 1) + " bytes exceeds maxBytes "
                    + limits.maxBytes());
        }
        byte tag = in.readByte();
        switch (tag) {
            case TAG_NULL:
                return null;
            case TAG_BYTES:
                int size = in.remaining() - 4;
                if (size > limits.maxArrayLength()) {
                    throw rejected(what, "maxArrayLength", "its byte array of length " + size
                            + " exceeds maxArrayLength " + limits.maxArrayLength());
                }
                return in.readBytes();
            case TAG_STRING:
                return in.readString();
            case TAG_INT:
                return in.readInt();
            case TAG_LONG:
                return in.readLong();
            case TAG_TRUE:
                return Boolean.TRUE;
            case TAG_FALSE:
                return Boolean.FALSE;
            case TAG_DOUBLE:
                return Double.longBitsToDouble(in.readLong());
            case TAG_SERIALIZED:
                return readSerialized(new ByteArrayInputStream(in.array(), in.position(), in.remaining()), loader, what);
            default:
                throw new InvalidClassException("Unknown value tag " + tag + " in " + what);
        }
    }

    /**
     * Decodes one Java-serialized object under the limits.
     *
     * @throws DeserializationRejectedException if the object exceeds a limit or uses a class that
     *     is not allowed
     */
    Object readSerialized(InputStream source, ClassLoader loader, String what) throws IOException, ClassNotFoundException {
        LimitsFilter filter = new LimitsFilter();
        try (ObjectInputStream objects = new LoaderObjectInputStream(source, loader)) {
            ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
            objects.setObjectInputFilter(jvmWide == null ? filter : ObjectInputFilter.merge(filter, jvmWide));
            return objects.readObject();
        } catch (InvalidClassException e) {
            if (filter.limit != null) {
                throw rejected(what, filter.limit, filter.detail);
            }
            if (e.getCause() instanceof ClassNotFoundException missing) {
                throw new ClassNotFoundException("Class " + missing.getMessage() + ", needed to deserialize " + what
                        + ", is not on the classpath of the JVM that received it; give the pool and its worker JVMs "
                        + "the same classpath, with absolute entries if the workers run in another directory", missing);
            }
            throw e;
        }
    }

    private DeserializationRejectedException rejected(String what, String limit, String detail) {
        String fix = limit.equals("allowedClasses")
                ? "add the class to ProcessOptions.Builder.allowedClasses(...)"
                : "raise DeserializationLimits." + limit + " in the pool's ProcessOptions or send a smaller value";
        return new DeserializationRejectedException("Deserialization of " + what + " was rejected: " + detail + "; "
                + fix, limit);
    }

    /** Checks every object, array and reference against the limits, and remembers the first violation. */
    private final class LimitsFilter implements ObjectInputFilter {
        private String limit;
        private String detail;

        @Override
        public Status checkInput(FilterInfo info) {
            if (info.depth() > limits.maxDepth()) {
                return reject("maxDepth", "its object graph depth of " + info.depth() + " exceeds maxDepth "
                        + limits.maxDepth());
            }
            if (info.arrayLength() > limits.maxArrayLength()) {
                return reject("maxArrayLength", "an array of length " + info.arrayLength() + " exceeds maxArrayLength "
                        + limits.maxArrayLength());
            }
            if (info.references() > limits.maxReferences()) {
                return reject("maxReferences", "its " + info.references() + " references exceed maxReferences "
                        + limits.maxReferences());
            }
            if (info.streamBytes() > limits.maxBytes()) {
                return reject("maxBytes", "its size of more than " + limits.maxBytes() + " bytes exceeds maxBytes "
                        + limits.maxBytes());
            }
            if (allowedFilter != null && info.serialClass() != null
                    && allowedFilter.checkInput(info) == Status.REJECTED) {
                return reject("allowedClasses", "class " + info.serialClass().getName()
                        + " is not allowed by the pattern '" + allowedClasses + "'");
            }
            return Status.UNDECIDED;
        }

        private Status reject(String limit, String detail) {
            if (this.limit == null) {
                this.limit = limit;
                this.detail = detail;
            }
            return Status.REJECTED;
        }
    }

    /**
     * Reads compact class descriptors, resolving classes with a given loader first, then as Java
     * serialization normally does.
     */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader == null ? ClassLoader.getSystemClassLoader() : loader;
        }

        @Override
        protected ObjectStreamClass readClassDescriptor() throws IOException, ClassNotFoundException {
            return CompactClassDescriptors.read(this, loader);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass descriptor) throws IOException, ClassNotFoundException {
            if (descriptor.forClass() != null) {
                return descriptor.forClass();
            }
            if (loader != null) {
                try {
                    return Class.forName(descriptor.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // Fall through: primitive types and classes only the default lookup finds.
                }
            }
            return super.resolveClass(descriptor);
        }
    }
}
