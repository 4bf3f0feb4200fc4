package dev.netrun.pools;

import java.io.Serializable;

/** A value class that a test gives worker JVMs in another version, with the same serialVersionUID. */
public class VersionedPayload implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The only field of this version. */
    public int count;
}
