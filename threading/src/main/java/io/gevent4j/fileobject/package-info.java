/**
 * Cooperative file objects (gevent's {@code gevent.fileobject}): {@link
 * io.gevent4j.fileobject.FileObjectThread} runs a file's blocking calls on the hub's thread pool
 * while the calling greenlet waits; {@link io.gevent4j.fileobject.FileObjectPosix} waits on the
 * hub's io watchers for a descriptor that can wait (a pipe, a tty). Both are
 * {@link java.nio.channels.ByteChannel}s with stream views; {@link
 * io.gevent4j.fileobject.FileObject} opens either.
 */
package io.gevent4j.fileobject;
