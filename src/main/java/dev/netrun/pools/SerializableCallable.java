package dev.netrun.pools;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that is also {@link Serializable}, so that a lambda can travel to a process
 * worker. A lambda written where this type is expected is serializable as long as what it captures
 * is.
 *
 * <pre>{@code
 * SerializableCallable<Integer> task = () -> 6 * 7;
 * pool.submit(task);
 * }</pre>
 *
 * @param <T> the type of the task's result
 */
@FunctionalInterface
public interface SerializableCallable<T> extends Callable<T>, Serializable {
}
