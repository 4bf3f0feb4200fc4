package dev.netrun.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** Starts the baseline child programs and reads facts about processes. */
final class Children {

    private Children() {
    }

    static Process start(String program, String... jvmArguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmArguments));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BaselineChildren.class.getName());
        command.add(program);
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Reads the first line a child prints, byte by byte so nothing more is consumed. */
    static String readLine(Process process) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = process.getInputStream().read()) >= 0 && b != '\n') {
            line.append((char) b);
        }
        return line.toString();
    }

    /** Returns the resident set size of a process in KiB, from /proc (Linux only). */
    static long residentKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/" + pid + "/status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("No VmRSS line for process " + pid);
    }
}
