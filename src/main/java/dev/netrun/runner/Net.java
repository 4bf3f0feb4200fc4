package dev.netrun.runner;

import java.util.List;

/**
 * The net a {@link BackgroundNetRunner} drives: a flow-based net whose nodes receive and emit packets,
 * advanced one step at a time.
 *
 * <pre>{@code
 * Net net = new MyNet();
 * BackgroundNetRunner runner = new BackgroundNetRunner(net);
 * runner.start();
 * }</pre>
 *
 * <p>The runner calls every method from its own thread, except {@link #pause()}, which
 * {@link BackgroundNetRunner#pause()} calls from the caller's thread; implementations make
 * {@code pause()} and {@link #getState()} thread safe.
 */
public interface Net {

    /**
     * Returns the net's run state.
     *
     * @return the state
     */
    NetState getState();

    /**
     * Runs one step: moves packets and starts or advances epochs.
     *
     * @param startEpochs whether the step may start new epochs
     * @return {@code true} if the step did any work, {@code false} if the net is blocked
     * @throws Exception if the step fails; the runner logs it and ends its loop
     */
    boolean runStep(boolean startEpochs) throws Exception;

    /**
     * Returns the ids of the epochs that could start now.
     *
     * @return the startable epochs, possibly empty
     */
    List<String> getStartableEpochs();

    /** Asks the net to pause; {@link #getState()} then returns {@link NetState#PAUSED}. */
    void pause();

    /**
     * Registers the action to call when new work arrives from outside the runner's thread, such as
     * a packet injected into the net or a pool task that completed. A net that calls it lets the
     * runner sleep until work arrives instead of checking back every few milliseconds.
     *
     * @param listener the action to call, or {@code null} to remove the current one
     * @return {@code true} if the net will call the listener; the default returns {@code false}
     */
    default boolean setNewWorkListener(Runnable listener) {
        return false;
    }
}
