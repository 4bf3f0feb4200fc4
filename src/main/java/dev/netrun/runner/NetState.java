package dev.netrun.runner;

/** The run state of a {@link Net}. */
public enum NetState {
    /** The net runs steps. */
    RUNNING,
    /** The net is paused; a runner ends its loop. */
    PAUSED,
    /** The net has stopped for good; a runner ends its loop. */
    STOPPED
}
