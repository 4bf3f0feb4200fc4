package dev.netrun.pools.process;

import java.io.StreamCorruptedException;

/** A frame whose payload does not match the checksum in its header; the stream after it is not trustworthy. */
public final class CorruptFrameException extends StreamCorruptedException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was corrupted
     */
    public CorruptFrameException(String message) {
        super(message);
    }
}
