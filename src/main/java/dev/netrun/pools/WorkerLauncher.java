package dev.netrun.pools;

import dev.netrun.pools.process.Frame;
import dev.netrun.pools.process.WorkerMain;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Builds the command line of a process pool's worker JVMs and starts them. The classpath is the
 * configured one, or else the calling JVM's {@code java.class.path} when that reaches this library
 * (directly or through the {@code Class-Path} of a manifest-only jar, as Surefire uses), or else
 * the URLs of the context class loader (as {@code mvn exec:java} uses).
 */
final class WorkerLauncher {

    private static final int MAX_CLASSPATH_SHOWN = 300;

    private final String poolName;
    private final ProcessOptions options;
    private final String classpath;
    private final Path javaExecutable;

    WorkerLauncher(String poolName, ProcessOptions options) {
        this.poolName = poolName;
        this.options = options;
        this.classpath = options.getClasspath().orElseGet(() -> defaultClasspath(poolName));
        this.javaExecutable = options.getJavaExecutable()
                .orElseGet(() -> Paths.get(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java"));
    }

    /** Starts one worker JVM. */
    Process launch(int workerId) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(workerId));
        builder.redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.redirectOutput(ProcessBuilder.Redirect.PIPE);
        builder.redirectError(ProcessBuilder.Redirect.PIPE);
        options.getWorkingDirectory().ifPresent(directory -> builder.directory(directory.toFile()));
        builder.environment().putAll(options.getEnvironment());
        return builder.start();
    }

    List<String> command(int workerId) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable.toString());
        command.addAll(defaultJvmArguments());
        command.addAll(options.getJvmArguments());
        for (Map.Entry<String, String> property : options.getSystemProperties().entrySet()) {
            command.add("-D" + property.getKey() + "=" + property.getValue());
        }
        command.add("-cp");
        command.add(classpath);
        command.add(WorkerMain.class.getName());

        DeserializationLimits limits = options.getDeserializationLimits();
        command.add(Integer.toString(Frame.PROTOCOL_VERSION));
        command.add(poolName);
        command.add(Integer.toString(workerId));
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(Integer.toString(limits.maxDepth()));
        command.add(Integer.toString(limits.maxArrayLength()));
        command.add(Long.toString(limits.maxReferences()));
        command.add(Integer.toString(limits.maxBytes()));
        command.add(options.getAllowedClasses().orElse(""));
        return command;
    }

    /**
     * Returns the JVM options for worker JVMs. They come before the user's, so that the user's win.
     * The JVM's own messages go to standard error, where they cannot corrupt the frame stream, and
     * an out-of-memory error ends the JVM instead of leaving it half broken. The collector stays
     * the JVM's default, because in the benchmarks the serial collector started no faster and moved
     * large arrays slower than G1.
     */
    static List<String> defaultJvmArguments() {
        return List.of("-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr",
                "-XX:+ExitOnOutOfMemoryError");
    }

    /** Returns the command line for messages, with a long classpath shortened. */
    String describe(int workerId) {
        StringBuilder text = new StringBuilder();
        for (String part : command(workerId)) {
            if (text.length() > 0) {
                text.append(' ');
            }
            if (part.equals(classpath) && part.length() > MAX_CLASSPATH_SHOWN) {
                int entries = part.split(File.pathSeparator).length;
                text.append(part, 0, MAX_CLASSPATH_SHOWN).append("...(").append(entries).append(" entries)");
            } else {
                text.append(part.isEmpty() ? "''" : part);
            }
        }
        return text.toString();
    }

    private static String defaultClasspath(String poolName) {
        Path library = libraryLocation(poolName);
        String javaClassPath = System.getProperty("java.class.path", "");
        if (reaches(javaClassPath, library)) {
            // Absolute, because a worker may run in another working directory.
            return absolute(javaClassPath);
        }
        String loaderClassPath = contextLoaderClasspath();
        if (loaderClassPath != null && reaches(loaderClassPath, library)) {
            return loaderClassPath;
        }
        throw new IllegalStateException("Cannot determine the classpath for the worker JVMs of pool '" + poolName
                + "': neither java.class.path (" + abbreviate(javaClassPath) + ") nor the context class loader reaches "
                + "netrun-pools at " + library + "; set it with ProcessOptions.builder().classpath(...), listing this "
                + "library and every class your tasks use");
    }

    private static String absolute(String classpath) {
        List<String> entries = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            entries.add(entry.isBlank() ? entry : Paths.get(entry).toAbsolutePath().toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Path libraryLocation(String poolName) {
        CodeSource source = WorkerMain.class.getProtectionDomain().getCodeSource();
        try {
            if (source != null && source.getLocation() != null) {
                return Paths.get(source.getLocation().toURI()).toAbsolutePath().normalize();
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            // Not a file location; handled below.
        }
        throw new IllegalStateException("Cannot determine the classpath for the worker JVMs of pool '" + poolName
                + "': netrun-pools was not loaded from a file (code source: " + source + "); set it with "
                + "ProcessOptions.builder().classpath(...)");
    }

    /** Returns whether a classpath contains {@code library}, directly or in a jar manifest's Class-Path. */
    private static boolean reaches(String classpath, Path library) {
        if (classpath.isBlank()) {
            return false;
        }
        Set<Path> entries = new LinkedHashSet<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                Path path = Paths.get(entry).toAbsolutePath().normalize();
                entries.add(path);
                entries.addAll(manifestClassPath(path));
            }
        }
        return entries.contains(library);
    }

    private static List<Path> manifestClassPath(Path jar) {
        List<Path> entries = new ArrayList<>();
        if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
            return entries;
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null) {
                return entries;
            }
            URL base = jar.toUri().toURL();
            for (String relative : classPath.trim().split("\\s+")) {
                try {
                    entries.add(Paths.get(new URL(base, relative).toURI()).toAbsolutePath().normalize());
                } catch (URISyntaxException | IllegalArgumentException | IOException e) {
                    // An entry this JVM cannot resolve cannot be the library either.
                }
            }
        } catch (IOException e) {
            // Not a readable jar: it contributes nothing.
        }
        return entries;
    }

    private static String contextLoaderClasspath() {
        List<String> entries = new ArrayList<>();
        for (ClassLoader loader = Thread.currentThread().getContextClassLoader(); loader != null;
                loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    try {
                        if (url.getProtocol().equals("file")) {
                            entries.add(Paths.get(url.toURI()).toString());
                        }
                    } catch (URISyntaxException | IllegalArgumentException e) {
                        // Skip entries that are not plain files.
                    }
                }
            }
        }
        return entries.isEmpty() ? null : String.join(File.pathSeparator, entries);
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_CLASSPATH_SHOWN ? text : text.substring(0, MAX_CLASSPATH_SHOWN) + "...";
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
    }
}
