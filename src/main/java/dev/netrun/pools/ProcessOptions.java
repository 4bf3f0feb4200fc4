package dev.netrun.pools;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The settings that start the worker JVMs of a process pool, and the limits they run under.
 * Immutable; build one with {@link #builder()}.
 *
 * <pre>{@code
 * ProcessOptions options = ProcessOptions.builder()
 *         .jvmArguments("-Xmx512m")
 *         .systemProperty("model.dir", "/srv/models")
 *         .taskTimeout(Duration.ofMinutes(5))
 *         .maxTasksPerWorker(10_000)
 *         .build();
 * }</pre>
 *
 * <p>Unless set, a worker runs the same {@code java} as the calling JVM, with the calling JVM's
 * classpath, in its working directory, and inherits its environment.
 */
public final class ProcessOptions {

    private static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final ProcessOptions DEFAULTS = builder().build();

    private final Path javaExecutable;
    private final String classpath;
    private final List<String> jvmArguments;
    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final Duration startupTimeout;
    private final Duration stopTimeout;
    private final Duration taskTimeout;
    private final long maxTasksPerWorker;
    private final DeserializationLimits deserializationLimits;
    private final String allowedClasses;

    private ProcessOptions(Builder builder) {
        this.javaExecutable = builder.javaExecutable;
        this.classpath = builder.classpath;
        this.jvmArguments = List.copyOf(builder.jvmArguments);
        this.systemProperties = Collections.unmodifiableMap(new LinkedHashMap<>(builder.systemProperties));
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(builder.environment));
        this.workingDirectory = builder.workingDirectory;
        this.startupTimeout = builder.startupTimeout;
        this.stopTimeout = builder.stopTimeout;
        this.taskTimeout = builder.taskTimeout;
        this.maxTasksPerWorker = builder.maxTasksPerWorker;
        this.deserializationLimits = builder.deserializationLimits;
        this.allowedClasses = builder.allowedClasses;
    }

    /**
     * Returns the default options.
     *
     * @return options with every setting at its default
     */
    public static ProcessOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder with every setting at its default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder with the settings of these options.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.javaExecutable = javaExecutable;
        builder.classpath = classpath;
        builder.jvmArguments.addAll(jvmArguments);
        builder.systemProperties.putAll(systemProperties);
        builder.environment.putAll(environment);
        builder.workingDirectory = workingDirectory;
        builder.startupTimeout = startupTimeout;
        builder.stopTimeout = stopTimeout;
        builder.taskTimeout = taskTimeout;
        builder.maxTasksPerWorker = maxTasksPerWorker;
        builder.deserializationLimits = deserializationLimits;
        builder.allowedClasses = allowedClasses;
        return builder;
    }

    /**
     * Returns the {@code java} executable that starts workers.
     *
     * @return the executable, or empty for the calling JVM's own
     */
    public Optional<Path> getJavaExecutable() {
        return Optional.ofNullable(javaExecutable);
    }

    /**
     * Returns the workers' classpath.
     *
     * @return the classpath in the platform's format, or empty for the calling JVM's own
     */
    public Optional<String> getClasspath() {
        return Optional.ofNullable(classpath);
    }

    /**
     * Returns the JVM arguments given to every worker, before the library's own.
     *
     * @return an unmodifiable list
     */
    public List<String> getJvmArguments() {
        return jvmArguments;
    }

    /**
     * Returns the system properties set in every worker.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> getSystemProperties() {
        return systemProperties;
    }

    /**
     * Returns the environment variables added to the environment that workers inherit.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> getEnvironment() {
        return environment;
    }

    /**
     * Returns the workers' working directory.
     *
     * @return the directory, or empty for the calling JVM's own
     */
    public Optional<Path> getWorkingDirectory() {
        return Optional.ofNullable(workingDirectory);
    }

    /**
     * Returns how long a worker may take from launch to its handshake.
     *
     * @return the startup timeout
     */
    public Duration getStartupTimeout() {
        return startupTimeout;
    }

    /**
     * Returns how long a worker may take, once asked to stop, to run its stop hooks and exit before
     * it is killed.
     *
     * @return the stop timeout
     */
    public Duration getStopTimeout() {
        return stopTimeout;
    }

    /**
     * Returns the time limit of tasks that set none of their own.
     *
     * @return the default task timeout, or empty for no limit
     */
    public Optional<Duration> getTaskTimeout() {
        return Optional.ofNullable(taskTimeout);
    }

    /**
     * Returns after how many tasks a worker JVM is replaced by a fresh one.
     *
     * @return the task limit, or empty for no limit
     */
    public OptionalLong getMaxTasksPerWorker() {
        return maxTasksPerWorker == 0 ? OptionalLong.empty() : OptionalLong.of(maxTasksPerWorker);
    }

    /**
     * Returns the limits applied when tasks, results and exceptions are deserialized.
     *
     * @return the limits
     */
    public DeserializationLimits getDeserializationLimits() {
        return deserializationLimits;
    }

    /**
     * Returns the pattern of classes that may be deserialized, in the syntax of
     * {@link java.io.ObjectInputFilter.Config#createFilter(String)}.
     *
     * @return the pattern, or empty when any class within the limits is allowed
     */
    public Optional<String> getAllowedClasses() {
        return Optional.ofNullable(allowedClasses);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ProcessOptions)) {
            return false;
        }
        ProcessOptions that = (ProcessOptions) other;
        return Objects.equals(javaExecutable, that.javaExecutable) && Objects.equals(classpath, that.classpath)
                && jvmArguments.equals(that.jvmArguments) && systemProperties.equals(that.systemProperties)
                && environment.equals(that.environment) && Objects.equals(workingDirectory, that.workingDirectory)
                && startupTimeout.equals(that.startupTimeout) && stopTimeout.equals(that.stopTimeout)
                && Objects.equals(taskTimeout, that.taskTimeout) && maxTasksPerWorker == that.maxTasksPerWorker
                && deserializationLimits.equals(that.deserializationLimits)
                && Objects.equals(allowedClasses, that.allowedClasses);
    }

    @Override
    public int hashCode() {
        return Objects.hash(javaExecutable, classpath, jvmArguments, systemProperties, environment, workingDirectory,
                startupTimeout, stopTimeout, taskTimeout, maxTasksPerWorker, deserializationLimits, allowedClasses);
    }

    @Override
    public String toString() {
        return "ProcessOptions[java=" + (javaExecutable == null ? "default" : javaExecutable)
                + ", classpath=" + (classpath == null ? "default" : classpath)
                + ", jvmArguments=" + jvmArguments
                + ", systemProperties=" + systemProperties.keySet()
                + ", environment=" + environment.keySet()
                + ", workingDirectory=" + (workingDirectory == null ? "default" : workingDirectory)
                + ", startupTimeout=" + startupTimeout
                + ", stopTimeout=" + stopTimeout
                + ", taskTimeout=" + (taskTimeout == null ? "none" : taskTimeout)
                + ", maxTasksPerWorker=" + (maxTasksPerWorker == 0 ? "unlimited" : maxTasksPerWorker)
                + ", " + deserializationLimits
                + ", allowedClasses=" + (allowedClasses == null ? "any" : allowedClasses) + "]";
    }

    /** Builds {@link ProcessOptions}. Every setter validates its argument and returns this builder. */
    public static final class Builder {

        private Path javaExecutable;
        private String classpath;
        private final List<String> jvmArguments = new ArrayList<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Path workingDirectory;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        private Duration taskTimeout;
        private long maxTasksPerWorker;
        private DeserializationLimits deserializationLimits = DeserializationLimits.defaults();
        private String allowedClasses;

        private Builder() {
        }

        /**
         * Sets the {@code java} executable that starts workers.
         *
         * @param executable the path of a {@code java} launcher
         * @return this builder
         */
        public Builder javaExecutable(Path executable) {
            this.javaExecutable = Objects.requireNonNull(executable, "executable");
            return this;
        }

        /**
         * Sets the workers' classpath, which must contain this library and every class a task uses.
         *
         * @param classpath entries separated by {@link File#pathSeparator}
         * @return this builder
         * @throws IllegalArgumentException if the classpath is blank
         */
        public Builder classpath(String classpath) {
            Objects.requireNonNull(classpath, "classpath");
            if (classpath.isBlank()) {
                throw new IllegalArgumentException("Classpath must not be blank, got '" + classpath
                        + "'; leave it unset to use the calling JVM's classpath");
            }
            this.classpath = classpath;
            return this;
        }

        /**
         * Sets the workers' classpath from a list of entries.
         *
         * @param entries jar files and class directories
         * @return this builder
         * @throws IllegalArgumentException if the list is empty
         */
        public Builder classpath(List<Path> entries) {
            Objects.requireNonNull(entries, "entries");
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("Classpath must have at least one entry, got an empty list; "
                        + "leave it unset to use the calling JVM's classpath");
            }
            StringBuilder joined = new StringBuilder();
            for (Path entry : entries) {
                if (joined.length() > 0) {
                    joined.append(File.pathSeparatorChar);
                }
                joined.append(Objects.requireNonNull(entry, "classpath entry"));
            }
            return classpath(joined.toString());
        }

        /**
         * Adds JVM arguments, such as {@code -Xmx512m}, for every worker.
         *
         * @param arguments the arguments, in order
         * @return this builder
         * @throws IllegalArgumentException if an argument is blank or sets the classpath, which
         *     {@link #classpath(String)} does
         */
        public Builder jvmArguments(String... arguments) {
            return jvmArguments(List.of(arguments));
        }

        /**
         * Adds JVM arguments, such as {@code -Xmx512m}, for every worker.
         *
         * @param arguments the arguments, in order
         * @return this builder
         * @throws IllegalArgumentException if an argument is blank or sets the classpath, which
         *     {@link #classpath(String)} does
         */
        public Builder jvmArguments(List<String> arguments) {
            for (String argument : arguments) {
                Objects.requireNonNull(argument, "JVM argument");
                if (argument.isBlank()) {
                    throw new IllegalArgumentException("JVM argument must not be blank, got '" + argument + "'");
                }
                if (argument.equals("-cp") || argument.equals("-classpath") || argument.startsWith("--class-path")) {
                    throw new IllegalArgumentException("JVM argument '" + argument
                            + "' sets the classpath; use ProcessOptions.Builder.classpath(...) instead");
                }
            }
            jvmArguments.addAll(arguments);
            return this;
        }

        /**
         * Sets a system property in every worker.
         *
         * @param key the property name, not blank
         * @param value the property value
         * @return this builder
         * @throws IllegalArgumentException if the key is blank
         */
        public Builder systemProperty(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (key.isBlank()) {
                throw new IllegalArgumentException("System property name must not be blank, got '" + key + "'");
            }
            systemProperties.put(key, value);
            return this;
        }

        /**
         * Sets an environment variable in every worker, on top of the inherited environment.
         *
         * @param name the variable name, not blank and without {@code '='}
         * @param value the variable value
         * @return this builder
         * @throws IllegalArgumentException if the name is blank or contains {@code '='}
         */
        public Builder environment(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isBlank() || name.indexOf('=') >= 0) {
                throw new IllegalArgumentException(
                        "Environment variable name must not be blank or contain '=', got '" + name + "'");
            }
            environment.put(name, value);
            return this;
        }

        /**
         * Sets the workers' working directory.
         *
         * @param directory an existing directory
         * @return this builder
         */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets how long a worker may take from launch to its handshake; 30 seconds by default.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if the duration is zero or negative
         */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = requirePositive(timeout, "Startup timeout");
            return this;
        }

        /**
         * Sets how long a worker may take, once asked to stop, to run its stop hooks and exit before
         * it is killed; 10 seconds by default.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if the duration is zero or negative
         */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = requirePositive(timeout, "Stop timeout");
            return this;
        }

        /**
         * Sets the time limit of tasks that set none of their own. When a task runs longer, its
         * worker JVM is ended and replaced, and the task fails with {@link TaskTimeoutException}.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if the duration is zero or negative
         */
        public Builder taskTimeout(Duration timeout) {
            this.taskTimeout = requirePositive(timeout, "Task timeout");
            return this;
        }

        /**
         * Sets after how many tasks a worker JVM is replaced by a fresh one, between two tasks.
         *
         * @param maxTasks the task limit, at least 1; {@code 0} for no limit, the default
         * @return this builder
         * @throws IllegalArgumentException if the limit is negative
         */
        public Builder maxTasksPerWorker(long maxTasks) {
            if (maxTasks < 0) {
                throw new IllegalArgumentException("Maximum tasks per worker must be at least 0 (0 means no limit), got "
                        + maxTasks);
            }
            this.maxTasksPerWorker = maxTasks;
            return this;
        }

        /**
         * Sets the limits applied when tasks, results and exceptions are deserialized.
         *
         * @param limits the limits
         * @return this builder
         */
        public Builder deserializationLimits(DeserializationLimits limits) {
            this.deserializationLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Narrows the classes that may be deserialized in either direction, with a pattern in the
         * syntax of {@link java.io.ObjectInputFilter.Config#createFilter(String)}, such as
         * {@code "com.example.**;java.base/*;!*"}. Tasks written as lambdas need
         * {@code java.lang.invoke.SerializedLambda} and the class that declares the lambda.
         *
         * @param pattern the filter pattern
         * @return this builder
         * @throws IllegalArgumentException if the pattern is blank or malformed
         */
        public Builder allowedClasses(String pattern) {
            Objects.requireNonNull(pattern, "pattern");
            if (pattern.isBlank()) {
                throw new IllegalArgumentException("Allowed classes pattern must not be blank, got '" + pattern + "'");
            }
            try {
                java.io.ObjectInputFilter.Config.createFilter(pattern);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Allowed classes pattern '" + pattern + "' is malformed: "
                        + e.getMessage(), e);
            }
            this.allowedClasses = pattern;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the immutable options
         */
        public ProcessOptions build() {
            return new ProcessOptions(this);
        }

        private static Duration requirePositive(Duration duration, String what) {
            Objects.requireNonNull(duration, what);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + duration);
            }
            return duration;
        }
    }
}
