package dev.netrun.pools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class ProcessStartTest {

    private static final String JAVA = Paths.get(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path temp;

    private ManagedPool pool;

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.stop(Duration.ofSeconds(10));
        }
    }

    private static Set<Long> children() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    /**
     * Writes a launcher script that runs {@code firstStart} the first time and plain {@code java}
     * afterwards, so one pool can fail to start and then start.
     */
    private Path launcherFailingOnce(String firstStart) throws IOException {
        Path marker = temp.resolve("started-once");
        Path script = temp.resolve("java-wrapper.sh");
        Files.writeString(script, "#!/bin/sh\n"
                + "if [ ! -e '" + marker + "' ]; then\n"
                + "  touch '" + marker + "'\n"
                + "  " + firstStart + "\n"
                + "fi\n"
                + "exec '" + JAVA + "' \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** Compiles one source file into a new directory under the temp directory and returns it. */
    private Path compile(String packagePath, String className, String source, String outputName) throws IOException {
        Path sources = Files.createDirectories(temp.resolve("src").resolve(packagePath));
        Path classes = Files.createDirectories(temp.resolve(outputName));
        Path file = Files.writeString(sources.resolve(className + ".java"), source);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler.run(null, null, null, "-d", classes.toString(), file.toString())).isZero();
        return classes;
    }

    private ManagedPool poolWith(String name, ProcessOptions options) {
        pool = new ManagedPool(PoolConfig.process(name, 2, options));
        return pool;
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void badJvmOptionFailsStartWithCommandLineAndStderr() throws IOException {
        Path script = launcherFailingOnce("exec '" + JAVA + "' -XX:+NoSuchOption \"$@\"");
        ManagedPool pool = poolWith("boot", ProcessOptions.builder().javaExecutable(script).build());
        Set<Long> before = children();

        assertThatThrownBy(pool::start).isInstanceOf(WorkerStartException.class)
                .hasMessageContaining("of pool 'boot' failed to start")
                .hasMessageContaining("exited before the handshake with exit status 1")
                .hasMessageContaining("Command line: " + script)
                .hasMessageContaining("dev.netrun.pools.process.WorkerMain")
                .hasMessageContaining("Unrecognized VM option 'NoSuchOption'");

        assertThat(children()).isSubsetOf(before);
        assertThat(pool.isStarted()).isFalse();
        pool.start();
        assertThat(pool.submit(() -> "started").join()).isEqualTo("started");
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void missingMainClassFailsStart() throws IOException {
        Path script = launcherFailingOnce("exec '" + JAVA + "' -cp '" + temp + "' dev.netrun.pools.process.WorkerMain");
        ManagedPool pool = poolWith("missing", ProcessOptions.builder().javaExecutable(script).build());

        assertThatThrownBy(pool::start).isInstanceOf(WorkerStartException.class)
                .hasMessageContaining("of pool 'missing' failed to start")
                .hasMessageContaining("Could not find or load main class dev.netrun.pools.process.WorkerMain");

        pool.start();
        assertThat(pool.submit(() -> "started").join()).isEqualTo("started");
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void workerThatDoesNotHandshakeInTimeFailsStartAndIsKilled() throws IOException {
        Path script = launcherFailingOnce("echo 'warming up the cache' >&2; exec sleep 60");
        ManagedPool pool = poolWith("slow", ProcessOptions.builder().javaExecutable(script)
                .startupTimeout(Duration.ofSeconds(2)).build());
        Set<Long> before = children();

        assertThatThrownBy(pool::start).isInstanceOf(WorkerStartException.class)
                .hasMessageContaining("of pool 'slow' failed to start")
                .hasMessageContaining("did not complete the handshake within 2 s")
                .hasMessageContaining("Command line: " + script)
                .hasMessageContaining("warming up the cache");

        assertThat(children()).isSubsetOf(before);
        pool.start();
        assertThat(pool.submit(() -> "started").join()).isEqualTo("started");
    }

    @Test
    void manifestOnlyJarOnTheClasspathIsFollowed() throws IOException {
        String classPath = System.getProperty("java.class.path");
        Path jar = temp.resolve("manifest-only.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, java.util.Arrays.stream(classPath.split(File.pathSeparator))
                .map(entry -> Paths.get(entry).toUri().toString()).collect(Collectors.joining(" ")));
        try (OutputStream out = Files.newOutputStream(jar)) {
            new JarOutputStream(out, manifest).close();
        }

        System.setProperty("java.class.path", jar.toString());
        try {
            ManagedPool pool = poolWith("manifest", ProcessOptions.defaults());
            pool.start();
            assertThat(pool.submit(() -> System.getProperty("java.class.path")).join()).isEqualTo(jar.toString());
        } finally {
            System.setProperty("java.class.path", classPath);
        }
    }

    @Test
    void undeterminableClasspathNamesTheFix() {
        String classPath = System.getProperty("java.class.path");
        ClassLoader contextLoader = Thread.currentThread().getContextClassLoader();
        ManagedPool pool = poolWith("nowhere", ProcessOptions.defaults());
        System.setProperty("java.class.path", temp.resolve("unrelated.jar").toString());
        Thread.currentThread().setContextClassLoader(new ClassLoader(null) {
        });
        try {
            assertThatThrownBy(pool::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Cannot determine the classpath for the worker JVMs of pool 'nowhere'")
                    .hasMessageContaining("unrelated.jar")
                    .hasMessageContaining("ProcessOptions.builder().classpath(...)");
        } finally {
            System.setProperty("java.class.path", classPath);
            Thread.currentThread().setContextClassLoader(contextLoader);
        }

        pool.start();
        assertThat(pool.submit(() -> "started").join()).isEqualTo("started");
    }

    @Test
    void workerOnlyExceptionArrivesAsStandIn() throws Exception {
        Path classes = compile("custom", "OnlyInWorkerException", "package custom;\n"
                + "public class OnlyInWorkerException extends RuntimeException {\n"
                + "    public OnlyInWorkerException(String message, Throwable cause) { super(message, cause); }\n"
                + "}\n", "classes");
        ManagedPool pool = poolWith("custom", ProcessOptions.builder()
                .classpath(System.getProperty("java.class.path") + File.pathSeparator + classes).build());
        pool.start();

        var future = pool.submit(() -> {
            throw (RuntimeException) Class.forName("custom.OnlyInWorkerException")
                    .getConstructor(String.class, Throwable.class)
                    .newInstance("only the worker knows this class", new IllegalStateException("inner cause"));
        });

        assertThatThrownBy(future::join).cause().isInstanceOf(RemoteTaskException.class)
                .hasMessage("only the worker knows this class")
                .hasToString("custom.OnlyInWorkerException: only the worker knows this class")
                .satisfies(e -> {
                    RemoteTaskException standIn = (RemoteTaskException) e;
                    assertThat(standIn.getRemoteClassName()).isEqualTo("custom.OnlyInWorkerException");
                    assertThat(standIn.getStackTrace()).anyMatch(frame -> frame.getClassName().equals(
                            "dev.netrun.pools.process.ChildWorker"));
                    assertThat(standIn.getCause()).hasToString("java.lang.IllegalStateException: inner cause");
                });
        assertThat(pool.submit(() -> "next").join()).isEqualTo("next");
    }

    @Test
    void differingClassVersionFailsClearly() throws Exception {
        Path classes = compile("dev/netrun/pools", "VersionedPayload", "package dev.netrun.pools;\n"
                + "public class VersionedPayload implements java.io.Serializable {\n"
                + "    private static final long serialVersionUID = 1L;\n"
                + "    public int count;\n"
                + "    public String addedInANewerVersion = \"new\";\n"
                + "}\n", "newer-classes");
        ManagedPool pool = poolWith("versions", ProcessOptions.builder()
                .classpath(classes + File.pathSeparator + System.getProperty("java.class.path")).build());
        pool.start();

        var future = pool.submit(VersionedPayload::new);

        assertThatThrownBy(future::join).cause().isInstanceOf(java.io.InvalidClassException.class)
                .hasMessageContaining("dev.netrun.pools.VersionedPayload")
                .hasMessageContaining("differs between the pool JVM and the worker JVM")
                .hasMessageContaining("give both the same version of the class");
        assertThat(pool.submit(() -> "next").join()).isEqualTo("next");
    }

    @Test
    void resultClassMissingInPoolIsNamed() throws Exception {
        Path classes = compile("custom", "OnlyInWorkerValue", "package custom;\n"
                + "public class OnlyInWorkerValue implements java.io.Serializable {\n"
                + "    private static final long serialVersionUID = 1L;\n"
                + "}\n", "value-classes");
        ManagedPool pool = poolWith("missing-result", ProcessOptions.builder()
                .classpath(System.getProperty("java.class.path") + File.pathSeparator + classes).build());
        pool.start();

        var future = pool.submit(() -> Class.forName("custom.OnlyInWorkerValue").getConstructor().newInstance());

        assertThatThrownBy(future::join).cause().isInstanceOf(ClassNotFoundException.class)
                .hasMessageContaining("Class custom.OnlyInWorkerValue, needed to deserialize the result of task")
                .hasMessageContaining("give the pool and its worker JVMs the same classpath");
        assertThat(pool.submit(() -> "next").join()).isEqualTo("next");
    }
}
