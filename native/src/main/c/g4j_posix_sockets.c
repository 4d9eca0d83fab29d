/*
 * Peer of io.gevent4j.loop.PosixSockets: POSIX socket calls on raw descriptors.
 *
 * Every native returns a count or descriptor >= 0, or -errno, and never throws (a JNI
 * allocation failure leaves its own exception pending, nothing more). EINTR is retried (a
 * connect() it interrupted is waited for). Sockets are created close-on-exec; sends carry
 * MSG_NOSIGNAL, so a closed peer gives EPIPE, never SIGPIPE. Addresses cross JNI as byte[]
 * (g4j_socket_address_codec.h); buffers as in g4j_posix.c.
 */
#include "g4j_jni.h"
#include "g4j_posix.h"
#include "g4j_socket_address_codec.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

static jint g4j_posix_sockets_socket0(JNIEnv *env, jclass cls, jint domain, jint type, jint protocol) {
  int fd = socket(domain, type | SOCK_CLOEXEC, protocol);
  return fd < 0 ? g4j__neg_errno() : fd;
}

static jint g4j_posix_sockets_socketpair0(JNIEnv *env, jclass cls, jint domain, jint type, jint protocol, jintArray out) {
  int fds[2];
  if (!out || (*env)->GetArrayLength(env, out) < 2) return -EINVAL;
  if (socketpair(domain, type | SOCK_CLOEXEC, protocol, fds) < 0) return g4j__neg_errno();
  jint jfds[2] = {fds[0], fds[1]};
  (*env)->SetIntArrayRegion(env, out, 0, 2, jfds);
  return 0;
}

static jint g4j_posix_sockets_bind0(JNIEnv *env, jclass cls, jint fd, jbyteArray addr) {
  struct sockaddr_storage ss;
  socklen_t len;
  int rc = g4j_socket_address_from_java(env, addr, &ss, &len);
  if (rc < 0) return rc;
  return bind(fd, (struct sockaddr *) &ss, len) < 0 ? g4j__neg_errno() : 0;
}

static jint g4j_posix_sockets_listen0(JNIEnv *env, jclass cls, jint fd, jint backlog) {
  return listen(fd, backlog) < 0 ? g4j__neg_errno() : 0;
}

/* A connect() interrupted by a signal goes on in the background and must not be retried
 * (that gives EALREADY): wait for it as for a non-blocking one, then fetch its result. */
static int connect_interrupted(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLOUT};
  int rc;
  do rc = poll(&p, 1, -1); while (rc < 0 && errno == EINTR);
  if (rc < 0) return g4j__neg_errno();
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return g4j__neg_errno();
  return -err;
}

static jint g4j_posix_sockets_connect0(JNIEnv *env, jclass cls, jint fd, jbyteArray addr) {
  struct sockaddr_storage ss;
  socklen_t len;
  int rc = g4j_socket_address_from_java(env, addr, &ss, &len);
  if (rc < 0) return rc;
  if (connect(fd, (struct sockaddr *) &ss, len) == 0) return 0;
  return errno == EINTR ? connect_interrupted(fd) : g4j__neg_errno();
}

/* accept4 with SOCK_CLOEXEC (plus SOCK_NONBLOCK when asked). A connection reset before it
 * was accepted (ECONNABORTED) is skipped, as libuv does: the next one is taken instead. */
static jint g4j_posix_sockets_accept0(JNIEnv *env, jclass cls, jint fd, jint flags, jbyteArray peer) {
  struct sockaddr_storage ss;
  socklen_t len;
  int cfd;
  do {
    len = sizeof ss;
    cfd = accept4(fd, (struct sockaddr *) &ss, &len, (flags & SOCK_NONBLOCK) | SOCK_CLOEXEC);
  } while (cfd < 0 && (errno == EINTR || errno == ECONNABORTED));
  if (cfd < 0) return g4j__neg_errno();
  if (peer) {
    int rc = g4j_socket_address_to_java(env, &ss, len, peer);
    if (rc < 0 || (*env)->ExceptionCheck(env)) {
      close(cfd);
      return rc < 0 ? rc : -ENOMEM;
    }
  }
  return cfd;
}

static jint g4j_posix_sockets_shutdown0(JNIEnv *env, jclass cls, jint fd, jint how) {
  return shutdown(fd, how) < 0 ? g4j__neg_errno() : 0;
}

static jint g4j_posix_sockets_getsockname0(JNIEnv *env, jclass cls, jint fd, jbyteArray out) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0) return g4j__neg_errno();
  return g4j_socket_address_to_java(env, &ss, len, out);
}

static jint g4j_posix_sockets_getpeername0(JNIEnv *env, jclass cls, jint fd, jbyteArray out) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getpeername(fd, (struct sockaddr *) &ss, &len) < 0) return g4j__neg_errno();
  return g4j_socket_address_to_java(env, &ss, len, out);
}

/* An int option's value as an unsigned 32-bit number (so every int value is >= 0 as a
 * jlong), or -errno. SO_LINGER, a struct, reads as its seconds when on, else -1. */
static jlong g4j_posix_sockets_getsockopt0(JNIEnv *env, jclass cls, jint fd, jint level, jint option) {
  int value;
  if (level == SOL_SOCKET && option == SO_LINGER) {
    struct linger l;
    socklen_t len = sizeof l;
    if (getsockopt(fd, level, option, &l, &len) < 0) return g4j__neg_errno();
    value = l.l_onoff ? l.l_linger : -1;
  } else {
    socklen_t len = sizeof value;
    value = 0;
    if (getsockopt(fd, level, option, &value, &len) < 0) return g4j__neg_errno();
    if (len == 1) value = *(unsigned char *) &value; /* a few IP options are one byte */
  }
  return (jlong) (uint32_t) value;
}

/* An int option; SO_LINGER takes its seconds, or a negative value for off. */
static jint g4j_posix_sockets_setsockopt0(JNIEnv *env, jclass cls, jint fd, jint level, jint option, jint value) {
  int rc;
  if (level == SOL_SOCKET && option == SO_LINGER) {
    struct linger l = {.l_onoff = value >= 0, .l_linger = value >= 0 ? value : 0};
    rc = setsockopt(fd, level, option, &l, sizeof l);
  } else {
    int v = value;
    rc = setsockopt(fd, level, option, &v, sizeof v);
  }
  return rc < 0 ? g4j__neg_errno() : 0;
}

/* ---- sends and receives --------------------------------------------------------------- */

/* sendto(2) with MSG_NOSIGNAL; a null address is send(2). */
static jint g4j_posix_sockets_sendto0(JNIEnv *env, jclass cls, jint fd, jobject buf, jint pos, jint lim, jint flags, jbyteArray addr) {
  char *p;
  jint n = g4j__buffer_span(env, buf, pos, lim, &p);
  if (n < 0) return n;
  struct sockaddr_storage ss;
  socklen_t len = 0;
  if (addr) {
    int rc = g4j_socket_address_from_java(env, addr, &ss, &len);
    if (rc < 0) return rc;
  }
  ssize_t r;
  do r = sendto(fd, p, (size_t) n, flags | MSG_NOSIGNAL, addr ? (struct sockaddr *) &ss : NULL, len);
  while (r < 0 && errno == EINTR);
  return r < 0 ? g4j__neg_errno() : (jint) r;
}

/* recvfrom(2); the sender goes to `from` when it is not null (family 0 when there is none). */
static jint g4j_posix_sockets_recvfrom0(JNIEnv *env, jclass cls, jint fd, jobject buf, jint pos, jint lim, jint flags, jbyteArray from) {
  char *p;
  jint n = g4j__buffer_span(env, buf, pos, lim, &p);
  if (n < 0) return n;
  struct sockaddr_storage ss;
  socklen_t len;
  ssize_t r;
  do {
    len = sizeof ss;
    r = recvfrom(fd, p, (size_t) n, flags, from ? (struct sockaddr *) &ss : NULL, from ? &len : NULL);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return g4j__neg_errno();
  if (from) {
    int rc = g4j_socket_address_to_java(env, &ss, len, from);
    if (rc < 0) return rc;
  }
  return (jint) r;
}

/* PosixSockets.Natives */
static const JNINativeMethod methods[] = {
  {"socket0", "(III)I", (void *) g4j_posix_sockets_socket0},
  {"socketpair0", "(III[I)I", (void *) g4j_posix_sockets_socketpair0},
  {"bind0", "(I[B)I", (void *) g4j_posix_sockets_bind0},
  {"listen0", "(II)I", (void *) g4j_posix_sockets_listen0},
  {"connect0", "(I[B)I", (void *) g4j_posix_sockets_connect0},
  {"accept0", "(II[B)I", (void *) g4j_posix_sockets_accept0},
  {"shutdown0", "(II)I", (void *) g4j_posix_sockets_shutdown0},
  {"getsockname0", "(I[B)I", (void *) g4j_posix_sockets_getsockname0},
  {"getpeername0", "(I[B)I", (void *) g4j_posix_sockets_getpeername0},
  {"getsockopt0", "(III)J", (void *) g4j_posix_sockets_getsockopt0},
  {"setsockopt0", "(IIII)I", (void *) g4j_posix_sockets_setsockopt0},
  {"sendto0", "(ILjava/nio/ByteBuffer;III[B)I", (void *) g4j_posix_sockets_sendto0},
  {"recvfrom0", "(ILjava/nio/ByteBuffer;III[B)I", (void *) g4j_posix_sockets_recvfrom0},
};

const g4j_natives g4j_posix_sockets_natives = G4J_NATIVES("PosixSockets", methods);
