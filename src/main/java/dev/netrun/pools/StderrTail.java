package dev.netrun.pools;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last lines a worker JVM wrote to its standard error, for failure messages, together with
 * text the JVM itself wrote to its standard output (such as a crash report), marked "(stdout)".
 * Thread safe.
 */
final class StderrTail {

    private static final int MAX_LINES = 20;
    private static final int MAX_LINE_LENGTH = 500;

    private final ArrayDeque<String> lines = new ArrayDeque<>();

    synchronized void add(String line) {
        if (lines.size() == MAX_LINES) {
            lines.removeFirst();
        }
        lines.addLast(line.length() > MAX_LINE_LENGTH ? line.substring(0, MAX_LINE_LENGTH) + "..." : line);
    }

    /** Returns whether any kept line contains {@code text}. */
    synchronized boolean contains(String text) {
        for (String line : lines) {
            if (line.contains(text)) {
                return true;
            }
        }
        return false;
    }

    synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }

    /** Returns the lines as an indented block for a message, or a note that there were none. */
    synchronized String format() {
        if (lines.isEmpty()) {
            return " It wrote nothing to its standard error.";
        }
        StringBuilder text = new StringBuilder(" Last lines of its standard error:");
        for (String line : lines) {
            text.append("\n    ").append(line);
        }
        return text.toString();
    }
}
