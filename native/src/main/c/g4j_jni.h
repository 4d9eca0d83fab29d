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

/* One peer's natives: the holder class and its table. */
typedef struct {
  const char *class_name; /* binary name, e.g. "io/gevent4j/loop/Posix$Natives" */
  const JNINativeMethod *methods;
  int count;
} g4j_natives;

/* The natives of the Java class `peer` (its simple name), in its nested class Natives. */
#define G4J_NATIVES(peer, table) {G4J_PACKAGE peer "$Natives", table, (int) (sizeof table / sizeof table[0])}

extern const g4j_natives g4j_native_natives;      /* g4j_native.c */
extern const g4j_natives g4j_native_loop_natives; /* g4j_native_loop.c */
extern const g4j_natives g4j_posix_natives;       /* g4j_posix.c */

/* The most bytes Posix's byte[] read and write move per call (g4j_posix.c copies them). */
#define G4J_ARRAY_IO_MAX (64 * 1024)

/*
 * Socket addresses cross JNI as a byte[] in one compact layout, written and read by both
 * sides (g4j_posix.c, Posix.java's encode/decode), every field big-endian:
 *
 *   [FAMILY, +2)      AF_INET, AF_INET6 or AF_UNIX; 0 for "no address"
 *   [PORT, +2)        the port (IP families)
 *   [SCOPE, +4)       the IPv6 scope id
 *   [LENGTH, +2)      N, the length of the address bytes
 *   [HEADER, +N)      the address: 4 or 16 bytes, or a unix path without its NUL (an
 *                     abstract name keeps its leading 0 byte)
 *
 * so HEADER + sizeof sun_path bytes hold any of them. Java takes the offsets from
 * g4j_constants.h.
 */
enum { G4J_ADDR_FAMILY = 0, G4J_ADDR_PORT = 2, G4J_ADDR_SCOPE = 4, G4J_ADDR_LENGTH = 8, G4J_ADDR_HEADER = 10 };

/* posix_spawn's file actions, as Java encodes them in an int[]: four ints {op, a, b, c}
 * per action, ops below (G4J_SPAWN_ACTION_INTS); and its flags. */
#define G4J_SPAWN_ACTION_INTS 4
enum { G4J_SPAWN_DUP2 = 1, G4J_SPAWN_OPEN = 2, G4J_SPAWN_CLOSE = 3, G4J_SPAWN_CHDIR = 4, G4J_SPAWN_CLOSEFROM = 5 };
enum { G4J_SPAWN_SETSID = 1, G4J_SPAWN_SETPGROUP = 2 };

#endif
