package dev.netrun.pools;

/** The kind of worker a pool runs its tasks on. */
public enum PoolType {
    /** Workers are threads of the calling JVM. */
    THREAD,
    /**
     * Workers are child JVMs started and supervised by the pool, so a task that crashes, leaks or
     * never returns cannot take the calling JVM down.
     */
    PROCESS
}
