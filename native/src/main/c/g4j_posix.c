/*
 * Peer of io.gevent4j.loop.Posix: POSIX calls on raw descriptors (pipes, close, flags, reads
 * and writes).
 *
 * Every native returns a count or descriptor >= 0, or -errno, and never throws (a JNI
 * allocation failure leaves its own exception pending, nothing more). EINTR is retried
 * everywhere but close(). Descriptors are created close-on-exec; writes to a socket
 * carry MSG_NOSIGNAL, so a closed peer gives EPIPE, never SIGPIPE.
 *
 * Buffers: direct ByteBuffers with the position and limit passed by Java (which checked them
 * and moves the position afterwards); C checks them again against the capacity.
 */
#include "g4j_jni.h"
#include "g4j_loop.h"
#include "g4j_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* byte[] reads and writes go through a copy: on the stack up to STACK_IO bytes, on the heap
 * up to G4J_ARRAY_IO_MAX; a longer request is served partially, as read(2) and write(2) may be. */
#define STACK_IO 8192

/* ---- buffers -------------------------------------------------------------------------- */

/* iov[] for bufs[offset .. offset+count), bounds holding {position, limit} per buffer. */
static int buffers_iov(JNIEnv *env, jobjectArray bufs, jint offset, jint count, jintArray bounds, struct iovec *iov) {
  if (!bufs || !bounds || offset < 0 || count < 0 || count > IOV_MAX) return -EINVAL;
  jsize total = (*env)->GetArrayLength(env, bufs);
  if (offset > total - count || (*env)->GetArrayLength(env, bounds) < 2 * count) return -EINVAL;
  for (jint i = 0; i < count; i++) {
    jint b[2];
    (*env)->GetIntArrayRegion(env, bounds, 2 * i, 2, b);
    jobject buf = (*env)->GetObjectArrayElement(env, bufs, offset + i);
    char *base;
    /* The array (a live argument) keeps the buffer, so its memory, reachable after this. */
    jint n = g4j__buffer_span(env, buf, b[0], b[1], &base);
    (*env)->DeleteLocalRef(env, buf);
    if (n < 0) return n;
    iov[i].iov_base = base;
    iov[i].iov_len = (size_t) n;
  }
  return 0;
}

/* ---- descriptors ---------------------------------------------------------------------- */

static jint g4j_posix_pipe20(JNIEnv *env, jclass cls, jint flags, jintArray out) {
  int fds[2];
  if (!out || (*env)->GetArrayLength(env, out) < 2) return -EINVAL;
  if (pipe2(fds, flags | O_CLOEXEC) < 0) return g4j__neg_errno();
  jint jfds[2] = {fds[0], fds[1]};
  (*env)->SetIntArrayRegion(env, out, 0, 2, jfds);
  return 0;
}

/* Through the core, which stops the fd's io watchers on every loop first (g4j_fd.c). */
static jint g4j_posix_close0(JNIEnv *env, jclass cls, jint fd) { return g4j_fd_close(fd); }

static jint g4j_posix_set_non_blocking0(JNIEnv *env, jclass cls, jint fd, jboolean on) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return g4j__neg_errno();
  int wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
  if (wanted != flags && fcntl(fd, F_SETFL, wanted) < 0) return g4j__neg_errno();
  return 0;
}

/* 1 when O_NONBLOCK is set, 0 when not, or -errno. */
static jint g4j_posix_is_non_blocking0(JNIEnv *env, jclass cls, jint fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return g4j__neg_errno();
  return (flags & O_NONBLOCK) != 0;
}

/* ---- reads and writes ----------------------------------------------------------------- */

/* write(2) that cannot raise SIGPIPE on a socket: send() with MSG_NOSIGNAL, and write() for
 * what is not a socket (a pipe, a tty, a file). */
static ssize_t write_nosignal(int fd, const void *p, size_t n) {
  ssize_t r;
  do r = send(fd, p, n, MSG_NOSIGNAL); while (r < 0 && errno == EINTR);
  if (r < 0 && errno == ENOTSOCK) {
    do r = write(fd, p, n); while (r < 0 && errno == EINTR);
  }
  return r;
}

static jint g4j_posix_read0(JNIEnv *env, jclass cls, jint fd, jobject buf, jint pos, jint lim) {
  char *p;
  jint n = g4j__buffer_span(env, buf, pos, lim, &p);
  if (n < 0) return n;
  ssize_t r;
  do r = read(fd, p, (size_t) n); while (r < 0 && errno == EINTR);
  return r < 0 ? g4j__neg_errno() : (jint) r;
}

static jint g4j_posix_write0(JNIEnv *env, jclass cls, jint fd, jobject buf, jint pos, jint lim) {
  char *p;
  jint n = g4j__buffer_span(env, buf, pos, lim, &p);
  if (n < 0) return n;
  ssize_t r = write_nosignal(fd, p, (size_t) n);
  return r < 0 ? g4j__neg_errno() : (jint) r;
}

static jint g4j_posix_read_bytes0(JNIEnv *env, jclass cls, jint fd, jbyteArray bytes, jint off, jint len) {
  if (!bytes || off < 0 || len < 0 || off > (*env)->GetArrayLength(env, bytes) - len) return -EINVAL;
  if (len > G4J_ARRAY_IO_MAX) len = G4J_ARRAY_IO_MAX;
  char stack[STACK_IO];
  char *p = len <= STACK_IO ? stack : malloc((size_t) len);
  if (!p) return -ENOMEM;
  ssize_t r;
  do r = read(fd, p, (size_t) len); while (r < 0 && errno == EINTR);
  jint rc = r < 0 ? g4j__neg_errno() : (jint) r;
  if (r > 0) (*env)->SetByteArrayRegion(env, bytes, off, (jsize) r, (const jbyte *) p);
  if (p != stack) free(p);
  return rc;
}

static jint g4j_posix_write_bytes0(JNIEnv *env, jclass cls, jint fd, jbyteArray bytes, jint off, jint len) {
  if (!bytes || off < 0 || len < 0 || off > (*env)->GetArrayLength(env, bytes) - len) return -EINVAL;
  if (len > G4J_ARRAY_IO_MAX) len = G4J_ARRAY_IO_MAX;
  char stack[STACK_IO];
  char *p = len <= STACK_IO ? stack : malloc((size_t) len);
  if (!p) return -ENOMEM;
  (*env)->GetByteArrayRegion(env, bytes, off, len, (jbyte *) p);
  ssize_t r = write_nosignal(fd, p, (size_t) len);
  jint rc = r < 0 ? g4j__neg_errno() : (jint) r;
  if (p != stack) free(p);
  return rc;
}

static jlong g4j_posix_readv0(JNIEnv *env, jclass cls, jint fd, jobjectArray bufs, jint offset, jint count, jintArray bounds) {
  struct iovec iov[IOV_MAX];
  int rc = buffers_iov(env, bufs, offset, count, bounds, iov);
  if (rc < 0) return rc;
  ssize_t r;
  do r = readv(fd, iov, count); while (r < 0 && errno == EINTR);
  return r < 0 ? g4j__neg_errno() : (jlong) r;
}

/* writev(2), through sendmsg() with MSG_NOSIGNAL on a socket. */
static jlong g4j_posix_writev0(JNIEnv *env, jclass cls, jint fd, jobjectArray bufs, jint offset, jint count, jintArray bounds) {
  struct iovec iov[IOV_MAX];
  int rc = buffers_iov(env, bufs, offset, count, bounds, iov);
  if (rc < 0) return rc;
  struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t) count};
  ssize_t r;
  do r = sendmsg(fd, &msg, MSG_NOSIGNAL); while (r < 0 && errno == EINTR);
  if (r < 0 && errno == ENOTSOCK) {
    do r = writev(fd, iov, count); while (r < 0 && errno == EINTR);
  }
  return r < 0 ? g4j__neg_errno() : (jlong) r;
}

/* Posix.Natives */
static const JNINativeMethod methods[] = {
  {"pipe20", "(I[I)I", (void *) g4j_posix_pipe20},
  {"close0", "(I)I", (void *) g4j_posix_close0},
  {"setNonBlocking0", "(IZ)I", (void *) g4j_posix_set_non_blocking0},
  {"isNonBlocking0", "(I)I", (void *) g4j_posix_is_non_blocking0},
  {"read0", "(ILjava/nio/ByteBuffer;II)I", (void *) g4j_posix_read0},
  {"write0", "(ILjava/nio/ByteBuffer;II)I", (void *) g4j_posix_write0},
  {"readBytes0", "(I[BII)I", (void *) g4j_posix_read_bytes0},
  {"writeBytes0", "(I[BII)I", (void *) g4j_posix_write_bytes0},
  {"readv0", "(I[Ljava/nio/ByteBuffer;II[I)J", (void *) g4j_posix_readv0},
  {"writev0", "(I[Ljava/nio/ByteBuffer;II[I)J", (void *) g4j_posix_writev0},
};

const g4j_natives g4j_posix_natives = G4J_NATIVES("Posix", methods);
