/*
 * Shared by the POSIX peers (g4j_posix.c, g4j_posix_sockets.c, g4j_posix_processes.c) and by
 * g4j_constants.h: the errno convention, direct-buffer spans, and what Java encodes for them.
 */
#ifndef G4J_POSIX_H
#define G4J_POSIX_H

#include <errno.h>
#include <jni.h>

/* The most bytes Posix's byte[] read and write move per call (g4j_posix.c copies them). */
#define G4J_ARRAY_IO_MAX (64 * 1024)

/* posix_spawn's file actions, as PosixProcesses.SpawnOptions encodes them in an int[]: four
 * ints {op, a, b, c} per action (G4J_SPAWN_ACTION_INTS), ops below; and its flags. */
#define G4J_SPAWN_ACTION_INTS 4
enum { G4J_SPAWN_DUP2 = 1, G4J_SPAWN_OPEN = 2, G4J_SPAWN_CLOSE = 3, G4J_SPAWN_CHDIR = 4, G4J_SPAWN_CLOSEFROM = 5 };
enum { G4J_SPAWN_SETSID = 1, G4J_SPAWN_SETPGROUP = 2 };

/* -errno for the call that just failed (EWOULDBLOCK reported as EAGAIN). */
static inline jint g4j__neg_errno(void) {
#if EWOULDBLOCK != EAGAIN
  if (errno == EWOULDBLOCK) return -EAGAIN;
#endif
  return -errno;
}

/* The bytes [pos, lim) of a direct buffer: their count, with *base set, or -EINVAL. Java
 * checked the bounds (and moves the position afterwards); they are checked again against the
 * capacity here. */
static inline jint g4j__buffer_span(JNIEnv *env, jobject buf, jint pos, jint lim, char **base) {
  if (!buf || pos < 0 || pos > lim) return -EINVAL;
  char *address = (*env)->GetDirectBufferAddress(env, buf);
  jlong capacity = (*env)->GetDirectBufferCapacity(env, buf);
  if (!address || capacity < 0 || lim > capacity) return -EINVAL;
  *base = address + pos;
  return lim - pos;
}

#endif
