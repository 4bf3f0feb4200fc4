package dev.netrun.pools.process;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.Externalizable;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.ObjectStreamField;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Class descriptors in a compact form: the class name, its {@code serialVersionUID}, and a
 * fingerprint of how it is serialized (its serial fields, and whether it writes custom data or is
 * {@link Externalizable}), instead of Java serialization's full list of field names and types.
 * Both sides resolve the name to their own class and use their own descriptor. That is correct
 * only when both load the same version of the class, so the fingerprint makes any difference fail
 * with a clear error instead of misreading the stream.
 *
 * <p>Writing a descriptor copies bytes encoded once per class; reading one looks the class up once
 * per class and loader. This takes most of the cost out of serializing small values.
 */
final class CompactClassDescriptors {

    /** The encoded descriptor of each class, written as is. */
    private static final ClassValue<byte[]> ENCODED = new ClassValue<>() {
        @Override
        protected byte[] computeValue(Class<?> type) {
            ObjectStreamClass descriptor = ObjectStreamClass.lookupAny(type);
            byte[] name = type.getName().getBytes(StandardCharsets.UTF_8);
            byte[] encoded = new byte[2 + name.length + 8 + 4];
            encoded[0] = (byte) (name.length >>> 8);
            encoded[1] = (byte) name.length;
            System.arraycopy(name, 0, encoded, 2, name.length);
            long uid = descriptor.getSerialVersionUID();
            for (int i = 0; i < 8; i++) {
                encoded[2 + name.length + i] = (byte) (uid >>> (56 - 8 * i));
            }
            int fingerprint = fingerprint(descriptor);
            for (int i = 0; i < 4; i++) {
                encoded[2 + name.length + 8 + i] = (byte) (fingerprint >>> (24 - 8 * i));
            }
            return encoded;
        }
    };

    private static final ClassValue<Integer> FINGERPRINTS = new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
            return fingerprint(ObjectStreamClass.lookupAny(type));
        }
    };

    /** Descriptors of classes of the system class loader, by name, on the reading side. */
    private static final Map<String, ObjectStreamClass> SYSTEM_CLASSES = new ConcurrentHashMap<>();

    private CompactClassDescriptors() {
    }

    static void write(ObjectStreamClass descriptor, DataOutput out) throws IOException {
        Class<?> type = descriptor.forClass();
        if (type == null) {
            throw new InvalidClassException(descriptor.getName(), "has no local class to describe");
        }
        out.write(ENCODED.get(type));
    }

    /**
     * Reads a descriptor and returns the local descriptor of the class it names, after checking
     * that both describe the same serial form.
     */
    static ObjectStreamClass read(DataInput in, ClassLoader loader) throws IOException, ClassNotFoundException {
        byte[] name = new byte[in.readUnsignedShort()];
        in.readFully(name);
        String className = new String(name, StandardCharsets.UTF_8);
        long uid = in.readLong();
        int fingerprint = in.readInt();

        ObjectStreamClass local = lookup(className, loader);
        if (local.getSerialVersionUID() != uid || FINGERPRINTS.get(local.forClass()) != fingerprint) {
            throw new InvalidClassException(className, "differs between the pool JVM and the worker JVM "
                    + "(serialVersionUID " + uid + " there, " + local.getSerialVersionUID() + " here); "
                    + "give both the same version of the class");
        }
        return local;
    }

    private static ObjectStreamClass lookup(String className, ClassLoader loader) throws ClassNotFoundException {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (loader == system) {
            ObjectStreamClass cached = SYSTEM_CLASSES.get(className);
            if (cached != null) {
                return cached;
            }
        }
        Class<?> type = Class.forName(className, false, loader);
        ObjectStreamClass local = ObjectStreamClass.lookupAny(type);
        if (type.getClassLoader() == null || type.getClassLoader() == system) {
            SYSTEM_CLASSES.put(className, local);
        }
        return local;
    }

    /** Hashes what decides a class's serial form: its fields, custom data and externalizability. */
    private static int fingerprint(ObjectStreamClass descriptor) {
        int hash = 17;
        for (ObjectStreamField field : descriptor.getFields()) {
            hash = 31 * hash + field.getName().hashCode();
            hash = 31 * hash + field.getTypeCode();
            hash = 31 * hash + (field.getTypeString() == null ? 0 : field.getTypeString().hashCode());
        }
        Class<?> type = descriptor.forClass();
        if (type != null) {
            hash = 31 * hash + (Externalizable.class.isAssignableFrom(type) ? 1 : 0);
            hash = 31 * hash + (declaresWriteObject(type) ? 1 : 0);
        }
        return hash;
    }

    private static boolean declaresWriteObject(Class<?> type) {
        try {
            type.getDeclaredMethod("writeObject", ObjectOutputStream.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
