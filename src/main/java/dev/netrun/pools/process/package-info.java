/**
 * The worker JVM of a process pool and the wire protocol between it and the pool; not part of the
 * library's API. {@link dev.netrun.pools.process.WorkerMain} is the worker's entry point.
 */
package dev.netrun.pools.process;
