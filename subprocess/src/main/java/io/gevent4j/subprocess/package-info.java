/**
 * Child processes for greenlets and threads — gevent's {@code gevent.subprocess}, which is
 * Python's {@code subprocess} made cooperative: {@link io.gevent4j.subprocess.Popen} starts a
 * program, its pipes are {@code InputStream}s and {@code OutputStream}s whose waits park only the
 * calling greenlet, and {@link io.gevent4j.subprocess.Popen#communicate(byte[], double)} feeds
 * and drains them at once, never deadlocking. {@link io.gevent4j.subprocess.Subprocess} has
 * {@code run}, {@code call}, {@code checkCall}, {@code checkOutput}, {@code getoutput} and
 * {@code getstatusoutput}.
 *
 * <pre>{@code
 * CompletedProcess done = Subprocess.run(List.of("git", "status"), null, 10.0, true);
 * Popen p = Popen.builder("sort").stdin(Popen.PIPE).stdout(Popen.PIPE).start();
 * byte[] sorted = p.communicate("b\na\n".getBytes(), 5.0).stdout();
 * }</pre>
 *
 * <p>Children are started with {@code posix_spawn}: every descriptor of the JVM beyond the three
 * standard ones is closed in the child, no signal is blocked there and every signal has its
 * default disposition. A child's exit is seen by a child watcher of gevent4j's loop core, which
 * reaps exactly that pid (never {@code waitpid(-1)}, so a {@link java.lang.Process} started
 * beside still gets its own exit code), on a daemon thread of its own: a child is reaped as soon
 * as it exits, whether or not anyone waits for it.
 */
package io.gevent4j.subprocess;
