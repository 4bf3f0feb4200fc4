package dev.netrun.pools;

import java.util.Objects;
import java.util.Optional;

/**
 * The immutable declaration of one named pool: its name, kind, size and, for a process pool, how
 * its worker JVMs start.
 *
 * <pre>{@code
 * PoolConfig io = PoolConfig.thread("io", 8);
 * PoolConfig cpu = PoolConfig.process("cpu", 2, ProcessOptions.builder().jvmArguments("-Xmx256m").build());
 * }</pre>
 */
public final class PoolConfig {

    private final String name;
    private final PoolType type;
    private final int size;
    private final ProcessOptions processOptions;

    /**
     * Creates a pool declaration.
     *
     * @param name the pool's name: not blank, no control characters
     * @param type the kind of worker
     * @param size the number of workers, at least 1
     * @param processOptions how worker JVMs start; {@code null} for a thread pool, and {@code null}
     *     for a process pool means {@link ProcessOptions#defaults()}
     * @throws IllegalArgumentException if the name is blank or has control characters, the size is
     *     below 1, or a thread pool is given process options
     * @throws NullPointerException if {@code name} or {@code type} is null
     */
    public PoolConfig(String name, PoolType type, int size, ProcessOptions processOptions) {
        this.name = validateName(name);
        this.type = Objects.requireNonNull(type, "type");
        if (size < 1) {
            throw new IllegalArgumentException("Pool size must be at least 1, got " + size);
        }
        this.size = size;
        if (type == PoolType.THREAD && processOptions != null) {
            throw new IllegalArgumentException("Pool '" + name
                    + "' is a thread pool, but process options were given; declare it with PoolType.PROCESS or drop the options");
        }
        this.processOptions = type == PoolType.PROCESS && processOptions == null ? ProcessOptions.defaults() : processOptions;
    }

    /**
     * Declares a thread pool.
     *
     * @param name the pool's name
     * @param size the number of worker threads, at least 1
     * @return the declaration
     * @throws IllegalArgumentException if the name is blank or the size is below 1
     */
    public static PoolConfig thread(String name, int size) {
        return new PoolConfig(name, PoolType.THREAD, size, null);
    }

    /**
     * Declares a process pool whose workers start with the default options.
     *
     * @param name the pool's name
     * @param size the number of worker JVMs, at least 1
     * @return the declaration
     * @throws IllegalArgumentException if the name is blank or the size is below 1
     */
    public static PoolConfig process(String name, int size) {
        return new PoolConfig(name, PoolType.PROCESS, size, null);
    }

    /**
     * Declares a process pool.
     *
     * @param name the pool's name
     * @param size the number of worker JVMs, at least 1
     * @param options how the worker JVMs start
     * @return the declaration
     * @throws IllegalArgumentException if the name is blank or the size is below 1
     */
    public static PoolConfig process(String name, int size, ProcessOptions options) {
        return new PoolConfig(name, PoolType.PROCESS, size, Objects.requireNonNull(options, "options"));
    }

    private static String validateName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Pool name must not be blank, got '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new IllegalArgumentException("Pool name must not contain control characters, got '"
                        + name.replaceAll("\\p{Cntrl}", "?") + "' (a control character at index " + i + ")");
            }
        }
        return name;
    }

    /**
     * Returns the pool's name.
     *
     * @return the name
     */
    public String getName() {
        return name;
    }

    /**
     * Returns the kind of worker.
     *
     * @return the pool type
     */
    public PoolType getType() {
        return type;
    }

    /**
     * Returns the number of workers.
     *
     * @return the size, at least 1
     */
    public int getSize() {
        return size;
    }

    /**
     * Returns how the worker JVMs start.
     *
     * @return the options of a process pool, or empty for a thread pool
     */
    public Optional<ProcessOptions> getProcessOptions() {
        return Optional.ofNullable(processOptions);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof PoolConfig)) {
            return false;
        }
        PoolConfig that = (PoolConfig) other;
        return name.equals(that.name) && type == that.type && size == that.size
                && Objects.equals(processOptions, that.processOptions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, size, processOptions);
    }

    @Override
    public String toString() {
        return "PoolConfig[name=" + name + ", type=" + type + ", size=" + size
                + (processOptions == null ? "" : ", " + processOptions) + "]";
    }
}
