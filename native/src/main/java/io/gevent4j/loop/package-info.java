/**
 * The native core: event loops over libev and libuv ({@link io.gevent4j.loop.Loop} and its
 * watchers — gevent's {@code gevent.libev} / {@code gevent.libuv}), POSIX calls on raw
 * descriptors ({@link io.gevent4j.loop.Posix}, {@link io.gevent4j.loop.PosixSockets}) and on
 * child processes ({@link io.gevent4j.loop.PosixProcesses}), and the loader of
 * {@code libgevent4j.so} ({@link io.gevent4j.loop.Native}).
 *
 * <p>Failed system calls surface as {@link io.gevent4j.loop.NativeIoException} (errno, its
 * name and the call), or as the JDK exception users expect with the {@code NativeIoException} as
 * its cause: {@code ECONNREFUSED} is a {@link java.net.ConnectException}, {@code EBADF} a
 * {@link java.nio.channels.ClosedChannelException}, {@code ETIMEDOUT} a
 * {@link java.net.SocketTimeoutException}, {@code EADDRINUSE} a {@link java.net.BindException}.
 */
package io.gevent4j.loop;
