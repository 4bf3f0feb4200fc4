package dev.netrun.pools;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named pools of one net: builds them from declarations, starts and stops them together, and
 * picks one pool among candidates for a task.
 *
 * <pre>{@code
 * try (PoolManager pools = PoolManager.fromMaps(Map.of("io", Map.of("size", 8)), Map.of("cpu", Map.of()))) {
 *     pools.start();
 *     ManagedPool pool = pools.selectPool(List.of("io", "cpu"), PoolSelection.LEAST_BUSY);
 *     pool.submit(() -> work()).join();
 * }
 * }</pre>
 *
 * <p>The set of pools is fixed at construction; the methods are thread safe. {@link #start()} and
 * {@link #stop()} block as the pools' own methods do.
 */
public final class PoolManager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PoolManager.class);

    /** The size of a pool whose map declares none. */
    public static final int DEFAULT_POOL_SIZE = 4;

    private static final String SIZE_KEY = "size";

    private final Map<String, ManagedPool> pools;
    private final AtomicLong roundRobin = new AtomicLong();

    /**
     * Creates the pools of the given declarations, in order. No pool is started.
     *
     * @param configs the declarations
     * @throws IllegalArgumentException if two declarations use the same name
     */
    public PoolManager(Collection<PoolConfig> configs) {
        Map<String, ManagedPool> byName = new LinkedHashMap<>();
        for (PoolConfig config : Objects.requireNonNull(configs, "configs")) {
            Objects.requireNonNull(config, "config");
            if (byName.containsKey(config.getName())) {
                throw new IllegalArgumentException("Pool name '" + config.getName()
                        + "' is declared twice; give every pool its own name");
            }
            byName.put(config.getName(), new ManagedPool(config));
        }
        this.pools = Collections.unmodifiableMap(byName);
    }

    /**
     * Creates the pools of the given declarations, in order. No pool is started.
     *
     * @param configs the declarations
     * @return the manager
     * @throws IllegalArgumentException if two declarations use the same name
     */
    public static PoolManager of(PoolConfig... configs) {
        return new PoolManager(List.of(configs));
    }

    /**
     * Creates pools from maps in the style of a net's configuration, such as
     * {@code {"io": {"size": 10}}}: each key is a pool's name and each value its settings. The only
     * setting is {@code "size"}, an integer of at least 1 that defaults to
     * {@value #DEFAULT_POOL_SIZE}. Process pools start with {@link ProcessOptions#defaults()}.
     *
     * @param threadPools the thread pools, or {@code null} for none
     * @param processPools the process pools, or {@code null} for none
     * @return the manager, with thread pools first, each group in map order
     * @throws IllegalArgumentException if a size is missing (null), not an integer or below 1, if a
     *     setting is unknown, or if a name is used twice
     */
    public static PoolManager fromMaps(Map<String, ? extends Map<String, ?>> threadPools,
            Map<String, ? extends Map<String, ?>> processPools) {
        List<PoolConfig> configs = new ArrayList<>();
        addFromMap(configs, threadPools, PoolType.THREAD);
        addFromMap(configs, processPools, PoolType.PROCESS);
        return new PoolManager(configs);
    }

    private static void addFromMap(List<PoolConfig> configs, Map<String, ? extends Map<String, ?>> declarations,
            PoolType type) {
        if (declarations == null) {
            return;
        }
        String kind = type == PoolType.THREAD ? "thread" : "process";
        for (Map.Entry<String, ? extends Map<String, ?>> entry : declarations.entrySet()) {
            String name = entry.getKey();
            Map<String, ?> settings = entry.getValue() == null ? Map.of() : entry.getValue();
            for (String key : settings.keySet()) {
                if (!SIZE_KEY.equals(key)) {
                    throw new IllegalArgumentException("Unknown setting '" + key + "' for " + kind + " pool '" + name
                            + "'; the only setting is '" + SIZE_KEY + "'");
                }
            }
            int size = settings.containsKey(SIZE_KEY) ? parseSize(name, kind, settings.get(SIZE_KEY)) : DEFAULT_POOL_SIZE;
            configs.add(new PoolConfig(name, type, size, null));
        }
    }

    private static int parseSize(String name, String kind, Object value) {
        String where = "Size of " + kind + " pool '" + name + "'";
        if (value == null) {
            throw new IllegalArgumentException(where + " is missing (null); give an integer of at least 1, or leave out '"
                    + SIZE_KEY + "' for the default of " + DEFAULT_POOL_SIZE);
        }
        if ((value instanceof Double doubleValue && !Double.isFinite(doubleValue))
                || (value instanceof Float floatValue && !Float.isFinite(floatValue))) {
            throw new IllegalArgumentException(where + " must be an integer, got " + value);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger || value instanceof BigDecimal
                || value instanceof Double || value instanceof Float) {
            int size;
            try {
                size = new BigDecimal(value.toString()).intValueExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(where + " must be an integer, got " + value, e);
            }
            if (size < 1) {
                throw new IllegalArgumentException(where + " must be at least 1, got " + value);
            }
            return size;
        }
        throw new IllegalArgumentException(where + " must be an integer, got " + value.getClass().getSimpleName()
                + " '" + value + "'");
    }

    /**
     * Starts every pool, in declaration order. If one fails, the pools already started are stopped
     * again. Blocks until every pool has started.
     *
     * @throws WorkerStartException if a process pool cannot start its workers
     */
    public void start() {
        List<ManagedPool> started = new ArrayList<>();
        try {
            for (ManagedPool pool : pools.values()) {
                pool.start();
                started.add(pool);
            }
        } catch (RuntimeException | Error e) {
            for (ManagedPool pool : started) {
                try {
                    pool.stop();
                } catch (RuntimeException stopFailure) {
                    e.addSuppressed(stopFailure);
                }
            }
            throw e;
        }
    }

    /**
     * Stops every pool, in reverse declaration order, each as {@link ManagedPool#stop()} does. A
     * pool that fails to stop is logged and the others still stop. Blocks until all have stopped.
     */
    public void stop() {
        List<ManagedPool> reversed = new ArrayList<>(pools.values());
        Collections.reverse(reversed);
        for (ManagedPool pool : reversed) {
            try {
                pool.stop();
            } catch (RuntimeException e) {
                log.error("Pool '{}' failed to stop", pool.getName(), e);
            }
        }
    }

    /** Stops every pool as {@link #stop()} does. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Returns a pool by name.
     *
     * @param name the pool's name
     * @return the pool
     * @throws IllegalArgumentException if no pool has that name; the message lists the names
     */
    public ManagedPool getPool(String name) {
        ManagedPool pool = pools.get(name);
        if (pool == null) {
            throw new IllegalArgumentException("No pool named '" + name + "'; declared pools: " + pools.keySet());
        }
        return pool;
    }

    /**
     * Returns the pools with the given names, in the order given; unknown names are skipped.
     *
     * @param names the names
     * @return the pools found
     */
    public List<ManagedPool> getPools(Collection<String> names) {
        List<ManagedPool> found = new ArrayList<>();
        for (String name : Objects.requireNonNull(names, "names")) {
            ManagedPool pool = pools.get(name);
            if (pool != null) {
                found.add(pool);
            }
        }
        return found;
    }

    /**
     * Picks one pool among the named candidates. Unknown names are skipped.
     *
     * @param names the candidates' names
     * @param selection how to pick
     * @return the chosen pool
     * @throws IllegalArgumentException if no candidate names a declared pool
     */
    public ManagedPool selectPool(Collection<String> names, PoolSelection selection) {
        Objects.requireNonNull(selection, "selection");
        List<ManagedPool> candidates = getPools(names);
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("None of the pools " + names + " is declared; declared pools: "
                    + pools.keySet());
        }
        switch (selection) {
            case ROUND_ROBIN:
                return candidates.get((int) Math.floorMod(roundRobin.getAndIncrement(), (long) candidates.size()));
            case RANDOM:
                return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
            case LEAST_BUSY:
            default:
                ManagedPool best = candidates.get(0);
                int bestIdle = best.getAvailableWorkers();
                for (ManagedPool candidate : candidates.subList(1, candidates.size())) {
                    int idle = candidate.getAvailableWorkers();
                    if (idle > bestIdle) {
                        best = candidate;
                        bestIdle = idle;
                    }
                }
                return best;
        }
    }

    /**
     * Picks one pool among the named candidates with {@link PoolSelection#LEAST_BUSY}.
     *
     * @param names the candidates' names
     * @return the chosen pool
     * @throws IllegalArgumentException if no candidate names a declared pool
     */
    public ManagedPool selectPool(Collection<String> names) {
        return selectPool(names, PoolSelection.LEAST_BUSY);
    }

    /**
     * Returns whether any pool is declared.
     *
     * @return {@code true} if there is at least one pool
     */
    public boolean hasPools() {
        return !pools.isEmpty();
    }

    /**
     * Returns the pools' names in declaration order.
     *
     * @return an unmodifiable list
     */
    public List<String> getPoolNames() {
        return List.copyOf(pools.keySet());
    }

    @Override
    public String toString() {
        return "PoolManager" + pools.values();
    }
}
