/*
 * Shared by the JNI files. Each is the peer of one Java class and holds one table of
 * natives, bound to that class's nested holder class `Natives` (static natives only, no
 * static state: JNI_OnLoad's FindClass initializes it and runs nothing). JNI_OnLoad
 * (g4j_jni.c) registers the tables of its one list in order, undoing them in reverse when
 * one fails.
 *
 * Naming (native/README.md): the Java class Peer's natives are Peer.Natives.name0, each
 * ending in 0; the C file is g4j_<peer>.c and the C function g4j_<peer>_<name0>, both in
 * snake_case (NativeLoop.Natives.loopRun0 is g4j_native_loop_loop_run0 in
 * g4j_native_loop.c); the file's table is g4j_<peer>_natives.
 */
#ifndef G4J_JNI_H
#define G4J_JNI_H

#include <jni.h>

#define G4J_JNI_VERSION JNI_VERSION_10
#define G4J_PACKAGE "io/gevent4j/loop/"
/* Peers other gevent4j modules use and users do not (exported only to gevent4j's modules). */
#define G4J_INTERNAL_PACKAGE "io/gevent4j/loop/internal/"

/* One peer's natives: the holder class and its table. */
typedef struct {
  const char *class_name; /* binary name, e.g. "io/gevent4j/loop/Posix$Natives" */
  const JNINativeMethod *methods;
  int count;
} g4j_natives;

/* The natives of the Java class `peer` (its simple name), in its nested class Natives. */
#define G4J_NATIVES(peer, table) {G4J_PACKAGE peer "$Natives", table, (int) (sizeof table / sizeof table[0])}
/* The same for a peer in io.gevent4j.loop.internal. */
#define G4J_INTERNAL_NATIVES(peer, table) \
  {G4J_INTERNAL_PACKAGE peer "$Natives", table, (int) (sizeof table / sizeof table[0])}

extern const g4j_natives g4j_native_natives;          /* g4j_native.c */
extern const g4j_natives g4j_native_loop_natives;     /* g4j_native_loop.c */
extern const g4j_natives g4j_posix_natives;           /* g4j_posix.c */
extern const g4j_natives g4j_posix_sockets_natives;   /* g4j_posix_sockets.c */
extern const g4j_natives g4j_posix_processes_natives; /* g4j_posix_processes.c */
extern const g4j_natives g4j_ares_natives;            /* g4j_ares.c (io.gevent4j.loop.internal) */

#endif
