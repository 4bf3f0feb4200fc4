package dev.netrun.pools;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Helpers for the exceptions that futures wrap around a task's failure. */
final class Futures {

    private Futures() {
    }

    /** Returns the failure inside {@link CompletionException} and {@link ExecutionException} wrappers. */
    static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
