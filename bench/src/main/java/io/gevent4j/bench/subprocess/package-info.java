/**
 * The subprocess benchmark ({@code bench/subprocess.sh}): process spawning and pipe throughput
 * of gevent4j's {@code Popen} side by side with {@link java.lang.ProcessBuilder} and NuProcess.
 */
package io.gevent4j.bench.subprocess;
