/*
 * Peer of io.gevent4j.loop.Native: constants (sizes, flags, errno values) handed to Java
 * in one call, errno names, library versions.
 */
#include "g4j_jni.h"
#include "g4j_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#define CLASS G4J_PACKAGE "Native"

/* Read in this order by Native.java's Constants (a cursor over the array): keep both in step,
 * appending at the end. */
static const jint constants[] = {
  /* event bits */
  G4J_EV_READ, G4J_EV_WRITE, G4J_EV_TIMER, G4J_EV_SIGNAL, G4J_EV_CHILD, G4J_EV_STAT,
  G4J_EV_IDLE, G4J_EV_PREPARE, G4J_EV_CHECK, G4J_EV_ASYNC, G4J_EV_FORK, G4J_EV_ERROR,
  /* watcher kinds */
  G4J_IO, G4J_TIMER, G4J_SIGNAL, G4J_ASYNC, G4J_CHILD, G4J_IDLE, G4J_PREPARE, G4J_CHECK, G4J_STAT, G4J_FORK,
  /* run modes */
  G4J_RUN_DEFAULT, G4J_RUN_NOWAIT, G4J_RUN_ONCE,
  /* errno values Java maps to JDK exceptions */
  EAGAIN, EINTR, EBADF, EINVAL, ENOTSUP, EBUSY, ECHILD, ESRCH, ENOMEM, ECONNREFUSED, ECONNRESET,
  EPIPE, EINPROGRESS, ETIMEDOUT, EADDRINUSE, ENOTCONN, EISCONN, EALREADY, ENOENT, EACCES, EHOSTUNREACH,
  ENETUNREACH, EMFILE,
  /* socket constants */
  AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_CLOEXEC,
  SOL_SOCKET, SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_SNDBUF, SO_RCVBUF, SO_ERROR, SO_BROADCAST,
  IPPROTO_TCP, TCP_NODELAY, IPPROTO_IPV6, IPV6_V6ONLY, SO_LINGER,
  SHUT_RD, SHUT_WR, SHUT_RDWR, MSG_DONTWAIT, MSG_PEEK, MSG_NOSIGNAL,
  O_NONBLOCK, O_CLOEXEC, O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND,
  /* signals */
  SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGABRT, SIGFPE, SIGKILL, SIGSEGV, SIGPIPE, SIGALRM, SIGTERM,
  SIGUSR1, SIGUSR2, SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGBUS, SIGWINCH, SIGXFSZ, NSIG,
  /* sizes */
  (jint) sizeof(struct sockaddr_un), (jint) sizeof(((struct sockaddr_un *) 0)->sun_path),
  G4J_WATCHER_KINDS,
  EPERM,
  /* waitpid options, the iovec limit, more socket constants (Posix) */
  WNOHANG, WUNTRACED, IOV_MAX,
  SOCK_SEQPACKET, SO_TYPE, SO_DOMAIN, SO_ACCEPTCONN, IPPROTO_IP, IPPROTO_UDP,
  TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, G4J_ARRAY_IO_MAX,
};

static jintArray native_constants(JNIEnv *env, jclass cls) {
  jint count = (jint) (sizeof constants / sizeof constants[0]);
  jintArray result = (*env)->NewIntArray(env, count);
  if (result) (*env)->SetIntArrayRegion(env, result, 0, count, constants);
  return result;
}

static jstring native_errno_name(JNIEnv *env, jclass cls, jint errnum) {
  const char *name = strerrorname_np(errnum);
  return name ? (*env)->NewStringUTF(env, name) : NULL;
}

static jstring native_strerror(JNIEnv *env, jclass cls, jint errnum) {
  char buf[256];
  const char *text = strerror_r(errnum, buf, sizeof buf); /* GNU strerror_r */
  return (*env)->NewStringUTF(env, text);
}

/* { libev runtime, libev build, libuv runtime, libuv build } */
static jobjectArray native_versions(JNIEnv *env, jclass cls) {
  jclass string = (*env)->FindClass(env, "java/lang/String");
  if (!string) return NULL;
  jobjectArray result = (*env)->NewObjectArray(env, 4, string, NULL);
  if (!result) return NULL;
  const char *values[4] = {
    g4j__libev_ops.version(), g4j__libev_ops.build_version(),
    g4j__libuv_ops.version(), g4j__libuv_ops.build_version(),
  };
  for (int i = 0; i < 4; i++) {
    jstring s = (*env)->NewStringUTF(env, values[i]);
    if (!s) return NULL;
    (*env)->SetObjectArrayElement(env, result, i, s);
    (*env)->DeleteLocalRef(env, s);
  }
  return result;
}

/* Creates and destroys a loop of the backend: 0, or -errno (Native's availability probe;
 * here, not in NativeLoop, so that probing initializes no class that reads Constants). */
static jint native_probe(JNIEnv *env, jclass cls, jint backend) {
  g4j_loop *loop;
  int rc = g4j_loop_new(backend, &loop);
  if (rc < 0) return rc;
  g4j_loop_destroy(loop);
  return 0;
}

static const JNINativeMethod methods[] = {
  {"probe", "(I)I", (void *) native_probe},
  {"constants", "()[I", (void *) native_constants},
  {"errnoName", "(I)Ljava/lang/String;", (void *) native_errno_name},
  {"strerror", "(I)Ljava/lang/String;", (void *) native_strerror},
  {"versions", "()[Ljava/lang/String;", (void *) native_versions},
};

int g4j__native_onload(JNIEnv *env) {
  return g4j__register(env, CLASS, methods, (int) (sizeof methods / sizeof methods[0]));
}

void g4j__native_onunload(JNIEnv *env) { g4j__unregister(env, CLASS); }
