/*
 * Peer of io.gevent4j.loop.Posix: POSIX calls on raw descriptors.
 *
 * Every native returns a count, descriptor or pid >= 0, or -errno, and never throws (a JNI
 * allocation failure leaves its own exception pending, nothing more). EINTR is retried
 * everywhere but close(). Descriptors are created close-on-exec; sends carry MSG_NOSIGNAL,
 * so a closed peer gives EPIPE, never SIGPIPE.
 *
 * Buffers: direct ByteBuffers with the position and limit passed by Java (which checked them
 * and moves the position afterwards); C checks them again against the capacity.
 *
 * Socket addresses cross JNI as a byte[] in the layout g4j_jni.h describes (G4J_ADDR_*).
 */
#include "g4j_jni.h"
#include "g4j_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define SUN_PATH_SIZE (sizeof(((struct sockaddr_un *) 0)->sun_path))
#define ADDR_BYTES (G4J_ADDR_HEADER + SUN_PATH_SIZE)

/* byte[] reads and writes go through a copy: on the stack up to STACK_IO bytes, on the heap
 * up to G4J_ARRAY_IO_MAX; a longer request is served partially, as read(2) and write(2) may be. */
#define STACK_IO 8192


static inline jint neg_errno(void) {
#if EWOULDBLOCK != EAGAIN
  if (errno == EWOULDBLOCK) return -EAGAIN;
#endif
  return -errno;
}

/* ---- addresses ------------------------------------------------------------------------ */

static unsigned get16(const uint8_t *p) { return (unsigned) p[0] << 8 | p[1]; }
static uint32_t get32(const uint8_t *p) { return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3]; }
static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t) (v >> 8); p[1] = (uint8_t) v; }
static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t) (v >> 24); p[1] = (uint8_t) (v >> 16); p[2] = (uint8_t) (v >> 8); p[3] = (uint8_t) v;
}

/* The sockaddr for a Java address in the layout above, 0 or -EINVAL. */
static int addr_from_java(JNIEnv *env, jbyteArray jaddr, struct sockaddr_storage *ss, socklen_t *len) {
  uint8_t buf[ADDR_BYTES];
  if (!jaddr) return -EINVAL;
  jsize n = (*env)->GetArrayLength(env, jaddr);
  if (n < G4J_ADDR_HEADER || n > (jsize) ADDR_BYTES) return -EINVAL;
  (*env)->GetByteArrayRegion(env, jaddr, 0, n, (jbyte *) buf);
  unsigned family = get16(buf + G4J_ADDR_FAMILY), port = get16(buf + G4J_ADDR_PORT), alen = get16(buf + G4J_ADDR_LENGTH);
  uint32_t scope = get32(buf + G4J_ADDR_SCOPE);
  if (alen > (unsigned) n - G4J_ADDR_HEADER) return -EINVAL;
  const uint8_t *a = buf + G4J_ADDR_HEADER;
  memset(ss, 0, sizeof *ss);
  if (family == AF_INET) {
    struct sockaddr_in *sin = (struct sockaddr_in *) ss;
    if (alen != sizeof sin->sin_addr) return -EINVAL;
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t) port);
    memcpy(&sin->sin_addr, a, alen);
    *len = sizeof *sin;
  } else if (family == AF_INET6) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;
    if (alen != sizeof sin6->sin6_addr) return -EINVAL;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((uint16_t) port);
    sin6->sin6_scope_id = scope;
    memcpy(&sin6->sin6_addr, a, alen);
    *len = sizeof *sin6;
  } else if (family == AF_UNIX) {
    struct sockaddr_un *sun = (struct sockaddr_un *) ss;
    if (alen > SUN_PATH_SIZE) return -EINVAL;
    sun->sun_family = AF_UNIX;
    memcpy(sun->sun_path, a, alen);
    /* A path name is counted with its NUL when there is room; an abstract name (leading 0)
     * is exactly its bytes; no bytes at all is an unnamed address (autobind for bind). */
    int nul = alen > 0 && a[0] != 0 && alen < SUN_PATH_SIZE;
    *len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + alen + (unsigned) nul);
  } else {
    return -EAFNOSUPPORT;
  }
  return 0;
}

/* Writes a sockaddr into a Java byte[] of at least ADDR_BYTES in the layout above: 0 or -errno.
 * A length of 0 (recvfrom on a stream socket) or an unknown family gives family 0. */
static int addr_to_java(JNIEnv *env, const struct sockaddr_storage *ss, socklen_t len, jbyteArray out) {
  uint8_t buf[ADDR_BYTES];
  memset(buf, 0, G4J_ADDR_HEADER);
  size_t alen = 0;
  if (len >= sizeof(sa_family_t)) {
    if (ss->ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
      const struct sockaddr_in *sin = (const struct sockaddr_in *) ss;
      put16(buf + G4J_ADDR_FAMILY, AF_INET);
      put16(buf + G4J_ADDR_PORT, ntohs(sin->sin_port));
      alen = sizeof sin->sin_addr;
      memcpy(buf + G4J_ADDR_HEADER, &sin->sin_addr, alen);
    } else if (ss->ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) ss;
      put16(buf + G4J_ADDR_FAMILY, AF_INET6);
      put16(buf + G4J_ADDR_PORT, ntohs(sin6->sin6_port));
      put32(buf + G4J_ADDR_SCOPE, sin6->sin6_scope_id);
      alen = sizeof sin6->sin6_addr;
      memcpy(buf + G4J_ADDR_HEADER, &sin6->sin6_addr, alen);
    } else if (ss->ss_family == AF_UNIX) {
      const struct sockaddr_un *sun = (const struct sockaddr_un *) ss;
      size_t max = len - offsetof(struct sockaddr_un, sun_path);
      if (max > SUN_PATH_SIZE) max = SUN_PATH_SIZE;
      put16(buf + G4J_ADDR_FAMILY, AF_UNIX);
      /* abstract: every byte the kernel counted; a path: up to its NUL */
      alen = max > 0 && sun->sun_path[0] == 0 ? max : strnlen(sun->sun_path, max);
      memcpy(buf + G4J_ADDR_HEADER, sun->sun_path, alen);
    }
  }
  put16(buf + G4J_ADDR_LENGTH, (unsigned) alen);
  if (!out || (*env)->GetArrayLength(env, out) < (jsize) ADDR_BYTES) return -EINVAL;
  (*env)->SetByteArrayRegion(env, out, 0, (jsize) (G4J_ADDR_HEADER + alen), (const jbyte *) buf);
  return 0;
}

/* ---- buffers -------------------------------------------------------------------------- */

/* The bytes [pos, lim) of a direct buffer: their count, with *base set, or -EINVAL. */
static jint buffer_span(JNIEnv *env, jobject buf, jint pos, jint lim, char **base) {
  if (!buf || pos < 0 || pos > lim) return -EINVAL;
  char *address = (*env)->GetDirectBufferAddress(env, buf);
  jlong capacity = (*env)->GetDirectBufferCapacity(env, buf);
  if (!address || capacity < 0 || lim > capacity) return -EINVAL;
  *base = address + pos;
  return lim - pos;
}

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
    jint n = buffer_span(env, buf, b[0], b[1], &base);
    (*env)->DeleteLocalRef(env, buf);
    if (n < 0) return n;
    iov[i].iov_base = base;
    iov[i].iov_len = (size_t) n;
  }
  return 0;
}

/* ---- descriptors ---------------------------------------------------------------------- */

static jint g4j_posix_socket0(JNIEnv *env, jclass cls, jint domain, jint type, jint protocol) {
  int fd = socket(domain, type | SOCK_CLOEXEC, protocol);
  return fd < 0 ? neg_errno() : fd;
}

static jint g4j_posix_socketpair0(JNIEnv *env, jclass cls, jint domain, jint type, jint protocol, jintArray out) {
  int fds[2];
  if (!out || (*env)->GetArrayLength(env, out) < 2) return -EINVAL;
  if (socketpair(domain, type | SOCK_CLOEXEC, protocol, fds) < 0) return neg_errno();
  jint jfds[2] = {fds[0], fds[1]};
  (*env)->SetIntArrayRegion(env, out, 0, 2, jfds);
  return 0;
}

static jint g4j_posix_pipe20(JNIEnv *env, jclass cls, jint flags, jintArray out) {
  int fds[2];
  if (!out || (*env)->GetArrayLength(env, out) < 2) return -EINVAL;
  if (pipe2(fds, flags | O_CLOEXEC) < 0) return neg_errno();
  jint jfds[2] = {fds[0], fds[1]};
  (*env)->SetIntArrayRegion(env, out, 0, 2, jfds);
  return 0;
}

/* Through the core, which stops the fd's io watchers on every loop first (g4j_fd.c). */
static jint g4j_posix_close0(JNIEnv *env, jclass cls, jint fd) { return g4j_fd_close(fd); }

static jint g4j_posix_bind0(JNIEnv *env, jclass cls, jint fd, jbyteArray addr) {
  struct sockaddr_storage ss;
  socklen_t len;
  int rc = addr_from_java(env, addr, &ss, &len);
  if (rc < 0) return rc;
  return bind(fd, (struct sockaddr *) &ss, len) < 0 ? neg_errno() : 0;
}

static jint g4j_posix_listen0(JNIEnv *env, jclass cls, jint fd, jint backlog) {
  return listen(fd, backlog) < 0 ? neg_errno() : 0;
}

/* A connect() interrupted by a signal goes on in the background and must not be retried
 * (that gives EALREADY): wait for it as for a non-blocking one, then fetch its result. */
static int connect_interrupted(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLOUT};
  int rc;
  do rc = poll(&p, 1, -1); while (rc < 0 && errno == EINTR);
  if (rc < 0) return neg_errno();
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return neg_errno();
  return -err;
}

static jint g4j_posix_connect0(JNIEnv *env, jclass cls, jint fd, jbyteArray addr) {
  struct sockaddr_storage ss;
  socklen_t len;
  int rc = addr_from_java(env, addr, &ss, &len);
  if (rc < 0) return rc;
  if (connect(fd, (struct sockaddr *) &ss, len) == 0) return 0;
  return errno == EINTR ? connect_interrupted(fd) : neg_errno();
}

/* accept4 with SOCK_CLOEXEC (plus SOCK_NONBLOCK when asked). A connection reset before it
 * was accepted (ECONNABORTED) is skipped, as libuv does: the next one is taken instead. */
static jint g4j_posix_accept0(JNIEnv *env, jclass cls, jint fd, jint flags, jbyteArray peer) {
  struct sockaddr_storage ss;
  socklen_t len;
  int cfd;
  do {
    len = sizeof ss;
    cfd = accept4(fd, (struct sockaddr *) &ss, &len, (flags & SOCK_NONBLOCK) | SOCK_CLOEXEC);
  } while (cfd < 0 && (errno == EINTR || errno == ECONNABORTED));
  if (cfd < 0) return neg_errno();
  if (peer) {
    int rc = addr_to_java(env, &ss, len, peer);
    if (rc < 0 || (*env)->ExceptionCheck(env)) {
      close(cfd);
      return rc < 0 ? rc : -ENOMEM;
    }
  }
  return cfd;
}

static jint g4j_posix_shutdown0(JNIEnv *env, jclass cls, jint fd, jint how) {
  return shutdown(fd, how) < 0 ? neg_errno() : 0;
}

static jint g4j_posix_getsockname0(JNIEnv *env, jclass cls, jint fd, jbyteArray out) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0) return neg_errno();
  return addr_to_java(env, &ss, len, out);
}

static jint g4j_posix_getpeername0(JNIEnv *env, jclass cls, jint fd, jbyteArray out) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getpeername(fd, (struct sockaddr *) &ss, &len) < 0) return neg_errno();
  return addr_to_java(env, &ss, len, out);
}

/* An int option's value as an unsigned 32-bit number (so every int value is >= 0 as a
 * jlong), or -errno. SO_LINGER, a struct, reads as its seconds when on, else -1. */
static jlong g4j_posix_getsockopt0(JNIEnv *env, jclass cls, jint fd, jint level, jint option) {
  int value;
  if (level == SOL_SOCKET && option == SO_LINGER) {
    struct linger l;
    socklen_t len = sizeof l;
    if (getsockopt(fd, level, option, &l, &len) < 0) return neg_errno();
    value = l.l_onoff ? l.l_linger : -1;
  } else {
    socklen_t len = sizeof value;
    value = 0;
    if (getsockopt(fd, level, option, &value, &len) < 0) return neg_errno();
    if (len == 1) value = *(unsigned char *) &value; /* a few IP options are one byte */
  }
  return (jlong) (uint32_t) value;
}

/* An int option; SO_LINGER takes its seconds, or a negative value for off. */
static jint g4j_posix_setsockopt0(JNIEnv *env, jclass cls, jint fd, jint level, jint option, jint value) {
  int rc;
  if (level == SOL_SOCKET && option == SO_LINGER) {
    struct linger l = {.l_onoff = value >= 0, .l_linger = value >= 0 ? value : 0};
    rc = setsockopt(fd, level, option, &l, sizeof l);
  } else {
    int v = value;
    rc = setsockopt(fd, level, option, &v, sizeof v);
  }
  return rc < 0 ? neg_errno() : 0;
}

static jint g4j_posix_set_non_blocking0(JNIEnv *env, jclass cls, jint fd, jboolean on) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return neg_errno();
  int wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
  if (wanted != flags && fcntl(fd, F_SETFL, wanted) < 0) return neg_errno();
  return 0;
}

/* 1 when O_NONBLOCK is set, 0 when not, or -errno. */
static jint g4j_posix_is_non_blocking0(JNIEnv *env, jclass cls, jint fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return neg_errno();
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
  jint n = buffer_span(env, buf, pos, lim, &p);
  if (n < 0) return n;
  ssize_t r;
  do r = read(fd, p, (size_t) n); while (r < 0 && errno == EINTR);
  return r < 0 ? neg_errno() : (jint) r;
}

static jint g4j_posix_write0(JNIEnv *env, jclass cls, jint fd, jobject buf, jint pos, jint lim) {
  char *p;
  jint n = buffer_span(env, buf, pos, lim, &p);
  if (n < 0) return n;
  ssize_t r = write_nosignal(fd, p, (size_t) n);
  return r < 0 ? neg_errno() : (jint) r;
}

static jint g4j_posix_read_bytes0(JNIEnv *env, jclass cls, jint fd, jbyteArray bytes, jint off, jint len) {
  if (!bytes || off < 0 || len < 0 || off > (*env)->GetArrayLength(env, bytes) - len) return -EINVAL;
  if (len > G4J_ARRAY_IO_MAX) len = G4J_ARRAY_IO_MAX;
  char stack[STACK_IO];
  char *p = len <= STACK_IO ? stack : malloc((size_t) len);
  if (!p) return -ENOMEM;
  ssize_t r;
  do r = read(fd, p, (size_t) len); while (r < 0 && errno == EINTR);
  jint rc = r < 0 ? neg_errno() : (jint) r;
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
  jint rc = r < 0 ? neg_errno() : (jint) r;
  if (p != stack) free(p);
  return rc;
}

static jlong g4j_posix_readv0(JNIEnv *env, jclass cls, jint fd, jobjectArray bufs, jint offset, jint count, jintArray bounds) {
  struct iovec iov[IOV_MAX];
  int rc = buffers_iov(env, bufs, offset, count, bounds, iov);
  if (rc < 0) return rc;
  ssize_t r;
  do r = readv(fd, iov, count); while (r < 0 && errno == EINTR);
  return r < 0 ? neg_errno() : (jlong) r;
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
  return r < 0 ? neg_errno() : (jlong) r;
}

/* sendto(2) with MSG_NOSIGNAL; a null address is send(2). */
static jint g4j_posix_sendto0(JNIEnv *env, jclass cls, jint fd, jobject buf, jint pos, jint lim, jint flags, jbyteArray addr) {
  char *p;
  jint n = buffer_span(env, buf, pos, lim, &p);
  if (n < 0) return n;
  struct sockaddr_storage ss;
  socklen_t len = 0;
  if (addr) {
    int rc = addr_from_java(env, addr, &ss, &len);
    if (rc < 0) return rc;
  }
  ssize_t r;
  do r = sendto(fd, p, (size_t) n, flags | MSG_NOSIGNAL, addr ? (struct sockaddr *) &ss : NULL, len);
  while (r < 0 && errno == EINTR);
  return r < 0 ? neg_errno() : (jint) r;
}

/* recvfrom(2); the sender goes to `from` when it is not null (family 0 when there is none). */
static jint g4j_posix_recvfrom0(JNIEnv *env, jclass cls, jint fd, jobject buf, jint pos, jint lim, jint flags, jbyteArray from) {
  char *p;
  jint n = buffer_span(env, buf, pos, lim, &p);
  if (n < 0) return n;
  struct sockaddr_storage ss;
  socklen_t len;
  ssize_t r;
  do {
    len = sizeof ss;
    r = recvfrom(fd, p, (size_t) n, flags, from ? (struct sockaddr *) &ss : NULL, from ? &len : NULL);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return neg_errno();
  if (from) {
    int rc = addr_to_java(env, &ss, len, from);
    if (rc < 0) return rc;
  }
  return (jint) r;
}

/* ---- processes ------------------------------------------------------------------------ */

/* A NUL-terminated copy of a byte[] (Java checked it holds no NUL), or NULL. */
static char *copy_string(JNIEnv *env, jbyteArray bytes) {
  jsize n = (*env)->GetArrayLength(env, bytes);
  char *s = malloc((size_t) n + 1);
  if (!s) return NULL;
  (*env)->GetByteArrayRegion(env, bytes, 0, n, (jbyte *) s);
  s[n] = 0;
  return s;
}

/*
 * A NULL-terminated vector of NUL-terminated copies of a byte[][], pointers and strings in
 * one block: free() it once. Null elements become NULL pointers when allowed (file-action
 * paths), else the vector is refused. NULL with *rc set on failure.
 */
static char **copy_vector(JNIEnv *env, jobjectArray array, int allow_null, int *rc) {
  jsize count = (*env)->GetArrayLength(env, array);
  size_t bytes = ((size_t) count + 1) * sizeof(char *);
  for (jsize i = 0; i < count; i++) {
    jbyteArray e = (*env)->GetObjectArrayElement(env, array, i);
    if (!e && !allow_null) {
      *rc = -EINVAL;
      return NULL;
    }
    if (e) bytes += (size_t) (*env)->GetArrayLength(env, e) + 1;
    (*env)->DeleteLocalRef(env, e);
  }
  char **v = malloc(bytes);
  if (!v) {
    *rc = -ENOMEM;
    return NULL;
  }
  char *p = (char *) (v + count + 1), *end = (char *) v + bytes;
  for (jsize i = 0; i < count; i++) {
    jbyteArray e = (*env)->GetObjectArrayElement(env, array, i);
    v[i] = NULL;
    if (e) {
      jsize n = (*env)->GetArrayLength(env, e);
      if ((size_t) n + 1 > (size_t) (end - p)) { /* the array changed under us */
        (*env)->DeleteLocalRef(env, e);
        free(v);
        *rc = -EINVAL;
        return NULL;
      }
      (*env)->GetByteArrayRegion(env, e, 0, n, (jbyte *) p);
      p[n] = 0;
      v[i] = p;
      p += n + 1;
    } else if (!allow_null) {
      free(v);
      *rc = -EINVAL;
      return NULL;
    }
    (*env)->DeleteLocalRef(env, e);
  }
  v[count] = NULL;
  return v;
}

/* The file actions in acts (records {op, a, b, c}, paths[i] for record i): 0 or -errno. */
static int add_file_actions(posix_spawn_file_actions_t *fa, const jint *acts, jsize records, char **paths) {
  for (jsize i = 0; i < records; i++) {
    const jint *q = acts + G4J_SPAWN_ACTION_INTS * i;
    int rc;
    switch (q[0]) {
      case G4J_SPAWN_DUP2: rc = posix_spawn_file_actions_adddup2(fa, q[1], q[2]); break;
      case G4J_SPAWN_OPEN: rc = paths[i] ? posix_spawn_file_actions_addopen(fa, q[1], paths[i], q[2], (mode_t) q[3]) : EINVAL; break;
      case G4J_SPAWN_CLOSE: rc = posix_spawn_file_actions_addclose(fa, q[1]); break;
      case G4J_SPAWN_CHDIR: rc = paths[i] ? posix_spawn_file_actions_addchdir_np(fa, paths[i]) : EINVAL; break;
      case G4J_SPAWN_CLOSEFROM: rc = posix_spawn_file_actions_addclosefrom_np(fa, q[1]); break;
      default: rc = EINVAL;
    }
    if (rc != 0) return -rc;
  }
  return 0;
}

/*
 * posix_spawn(3), or posix_spawnp(3) when the program has no '/'. envp null inherits this
 * process's environment. The child starts with no signal blocked and every signal at its
 * default disposition (the JVM blocks and handles several). glibc reports a failed exec
 * (ENOENT, EACCES, ...) as posix_spawn's result, having reaped the child: nothing to clean up.
 */
static jint g4j_posix_spawn0(JNIEnv *env, jclass cls, jbyteArray program, jobjectArray argv, jobjectArray envp,
                            jintArray actions, jobjectArray paths, jint flags, jint pgroup) {
  if (!program || !argv || !actions || !paths) return -EINVAL;
  jsize nacts = (*env)->GetArrayLength(env, actions);
  jsize records = nacts / G4J_SPAWN_ACTION_INTS;
  if (nacts % G4J_SPAWN_ACTION_INTS != 0 || (*env)->GetArrayLength(env, paths) != records) return -EINVAL;

  int rc = 0;
  char *prog = NULL, **args = NULL, **envs = NULL, **pathv = NULL;
  jint *acts = NULL;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  int fa_ready = 0, attr_ready = 0;

  if (!(prog = copy_string(env, program))) { rc = -ENOMEM; goto done; }
  if (!(args = copy_vector(env, argv, 0, &rc))) goto done;
  if (envp && !(envs = copy_vector(env, envp, 0, &rc))) goto done;
  if (!(pathv = copy_vector(env, paths, 1, &rc))) goto done;
  if (!(acts = malloc(((size_t) nacts + 1) * sizeof(jint)))) { rc = -ENOMEM; goto done; }
  (*env)->GetIntArrayRegion(env, actions, 0, nacts, acts);

  if ((rc = -posix_spawn_file_actions_init(&fa)) < 0) goto done;
  fa_ready = 1;
  if ((rc = add_file_actions(&fa, acts, records, pathv)) < 0) goto done;

  if ((rc = -posix_spawnattr_init(&attr)) < 0) goto done;
  attr_ready = 1;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  short spawn_flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (flags & G4J_SPAWN_SETSID) spawn_flags |= POSIX_SPAWN_SETSID;
  if (flags & G4J_SPAWN_SETPGROUP) {
    spawn_flags |= POSIX_SPAWN_SETPGROUP;
    if ((rc = -posix_spawnattr_setpgroup(&attr, pgroup)) < 0) goto done;
  }
  if ((rc = -posix_spawnattr_setflags(&attr, spawn_flags)) < 0) goto done;
  if ((rc = -posix_spawnattr_setsigmask(&attr, &none)) < 0) goto done;
  if ((rc = -posix_spawnattr_setsigdefault(&attr, &all)) < 0) goto done;

  pid_t pid;
  char **environment = envs ? envs : environ;
  int err = strchr(prog, '/') ? posix_spawn(&pid, prog, &fa, &attr, args, environment)
                              : posix_spawnp(&pid, prog, &fa, &attr, args, environment);
  rc = err != 0 ? -err : pid;

done:
  if (attr_ready) posix_spawnattr_destroy(&attr);
  if (fa_ready) posix_spawn_file_actions_destroy(&fa);
  free(acts);
  free(pathv);
  free(envs);
  free(args);
  free(prog);
  return rc;
}

/* waitpid(2): 0 with {pid, raw status} in result ({0, 0} when WNOHANG found nothing), or -errno. */
static jint g4j_posix_waitpid0(JNIEnv *env, jclass cls, jint pid, jint options, jintArray result) {
  if (!result || (*env)->GetArrayLength(env, result) < 2) return -EINVAL;
  int status = 0;
  pid_t r;
  do r = waitpid(pid, &status, options); while (r < 0 && errno == EINTR);
  if (r < 0) return neg_errno();
  jint out[2] = {r, r == 0 ? 0 : status};
  (*env)->SetIntArrayRegion(env, result, 0, 2, out);
  return 0;
}

static jint g4j_posix_kill0(JNIEnv *env, jclass cls, jint pid, jint sig) {
  return kill(pid, sig) < 0 ? neg_errno() : 0;
}

/* Posix.Natives */
static const JNINativeMethod methods[] = {
  {"socket0", "(III)I", (void *) g4j_posix_socket0},
  {"socketpair0", "(III[I)I", (void *) g4j_posix_socketpair0},
  {"pipe20", "(I[I)I", (void *) g4j_posix_pipe20},
  {"close0", "(I)I", (void *) g4j_posix_close0},
  {"bind0", "(I[B)I", (void *) g4j_posix_bind0},
  {"listen0", "(II)I", (void *) g4j_posix_listen0},
  {"connect0", "(I[B)I", (void *) g4j_posix_connect0},
  {"accept0", "(II[B)I", (void *) g4j_posix_accept0},
  {"shutdown0", "(II)I", (void *) g4j_posix_shutdown0},
  {"getsockname0", "(I[B)I", (void *) g4j_posix_getsockname0},
  {"getpeername0", "(I[B)I", (void *) g4j_posix_getpeername0},
  {"getsockopt0", "(III)J", (void *) g4j_posix_getsockopt0},
  {"setsockopt0", "(IIII)I", (void *) g4j_posix_setsockopt0},
  {"setNonBlocking0", "(IZ)I", (void *) g4j_posix_set_non_blocking0},
  {"isNonBlocking0", "(I)I", (void *) g4j_posix_is_non_blocking0},
  {"read0", "(ILjava/nio/ByteBuffer;II)I", (void *) g4j_posix_read0},
  {"write0", "(ILjava/nio/ByteBuffer;II)I", (void *) g4j_posix_write0},
  {"readBytes0", "(I[BII)I", (void *) g4j_posix_read_bytes0},
  {"writeBytes0", "(I[BII)I", (void *) g4j_posix_write_bytes0},
  {"readv0", "(I[Ljava/nio/ByteBuffer;II[I)J", (void *) g4j_posix_readv0},
  {"writev0", "(I[Ljava/nio/ByteBuffer;II[I)J", (void *) g4j_posix_writev0},
  {"sendto0", "(ILjava/nio/ByteBuffer;III[B)I", (void *) g4j_posix_sendto0},
  {"recvfrom0", "(ILjava/nio/ByteBuffer;III[B)I", (void *) g4j_posix_recvfrom0},
  {"spawn0", "([B[[B[[B[I[[BII)I", (void *) g4j_posix_spawn0},
  {"waitpid0", "(II[I)I", (void *) g4j_posix_waitpid0},
  {"kill0", "(II)I", (void *) g4j_posix_kill0},
};

const g4j_natives g4j_posix_natives = G4J_NATIVES("Posix", methods);
