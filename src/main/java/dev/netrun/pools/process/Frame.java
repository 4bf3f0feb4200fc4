package dev.netrun.pools.process;

/**
 * One frame of the protocol between a process pool and its worker JVM, as read off the wire.
 *
 * <p>On the wire a frame is a header of {@value #HEADER_BYTES} bytes and the payload. The header is
 * {@code 0xFE}, a type byte, the big-endian payload length, the big-endian CRC-32C of the payload
 * (0 where the writer does not compute one), and a check byte over the header. {@code 0xFE} never
 * occurs in UTF-8 text, so text that something else writes to the worker's standard output between
 * frames is recognized and delivered as {@link #STRAY}. A stray {@code 0xFE} in other output fails
 * the check byte or names a type the reader does not take, and is delivered as text too. Text
 * written into the middle of a frame makes its checksum fail.
 *
 * @param type the frame type, one of the constants below
 * @param payload the payload; for an oversized frame, only its first {@link #OVERSIZED_PREFIX} bytes;
 *     for a RESULT_BYTES frame, only its header
 * @param length the payload length announced on the wire
 * @param bulk for a RESULT_BYTES frame, the bytes after the header, read straight into their own
 *     array; otherwise {@code null}
 */
public record Frame(byte type, byte[] payload, int length, byte[] bulk) {

    /** The first byte of every frame. */
    public static final byte MAGIC = (byte) 0xFE;
    /** The bytes of a frame header: magic, type, length, checksum, check byte. */
    public static final int HEADER_BYTES = 11;
    /** How much of an oversized payload is kept, enough for the ids at its start. */
    public static final int OVERSIZED_PREFIX = 64;
    /** Bytes a frame may carry beyond its value: ids, flags, node names. */
    public static final int MAX_OVERHEAD_BYTES = 64 * 1024;
    /** The protocol version both sides announce. */
    public static final int PROTOCOL_VERSION = 2;

    // Pool to worker.
    /** A task: id, flags, node, encoded callable. */
    public static final byte TASK = 1;
    /** A node's hooks: name, encoded start hook, encoded stop hook. */
    public static final byte NODE = 2;
    /** Run the stop hooks and exit. */
    public static final byte STOP = 3;

    // Worker to pool.
    /** The handshake: the protocol version. */
    public static final byte HELLO = 10;
    /** A task's outcome: id, status, run time, encoded value or exception. */
    public static final byte RESULT = 11;
    /**
     * A task's {@code byte[]} result: the RESULT header (id, status, run time) followed by the
     * bytes themselves, which both sides move without copying them into a buffer.
     */
    public static final byte RESULT_BYTES = 14;
    /** The bytes of the header of RESULT and RESULT_BYTES frames: task id, status, run time. */
    public static final int RESULT_HEADER_BYTES = 8 + 1 + 8;
    /** Text the worker's code printed to {@code System.out}. */
    public static final byte OUTPUT = 12;
    /** The stop hooks have run; the worker exits next. */
    public static final byte STOPPED = 13;

    /** Not a frame: text found between frames, up to a line break or the next frame. */
    public static final byte STRAY = -1;

    /** Flag of a TASK frame: the callable returns a stage to wait for. */
    public static final byte FLAG_AWAIT_STAGE = 1;

    /** RESULT status: the task returned a value. */
    public static final byte STATUS_OK = 0;
    /** RESULT status: the task threw; its node, if any, is initialized. */
    public static final byte STATUS_FAILED = 1;
    /** RESULT status: the node's start hook threw; the worker exits next. */
    public static final byte STATUS_NODE_START_FAILED = 2;
    /** RESULT status: the task could not be decoded and did not run. */
    public static final byte STATUS_NOT_RUN = 3;

    /** Returns the check byte over a header's type, length and checksum. */
    static byte headerCheck(byte type, int length, int checksum) {
        int sum = 0x5A + type;
        for (int shift = 0; shift < 32; shift += 8) {
            sum += (length >>> shift) & 0xff;
            sum += (checksum >>> shift) & 0xff;
        }
        return (byte) sum;
    }

    /**
     * Returns whether the payload was not read whole, because it exceeded the reader's limit or
     * the reader's heap, and only its prefix is kept.
     */
    public boolean isOversized() {
        return payload.length + (bulk == null ? 0 : bulk.length) < length;
    }
}
