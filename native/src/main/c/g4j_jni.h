/*
 * Shared by the JNI files: each registers its natives from one table in its own
 * _onload, called in order by JNI_OnLoad (g4j_jni.c), and undone in reverse.
 */
#ifndef G4J_JNI_H
#define G4J_JNI_H

#include <jni.h>

#define G4J_JNI_VERSION JNI_VERSION_10
#define G4J_PACKAGE "io/gevent4j/loop/"

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

/* 0 on success, -1 with a pending Java exception on failure. */
int g4j__register(JNIEnv *env, const char *class_name, const JNINativeMethod *methods, int count);
void g4j__unregister(JNIEnv *env, const char *class_name);

int g4j__native_onload(JNIEnv *env);
void g4j__native_onunload(JNIEnv *env);
int g4j__native_loop_onload(JNIEnv *env);
void g4j__native_loop_onunload(JNIEnv *env);
int g4j__posix_onload(JNIEnv *env);
void g4j__posix_onunload(JNIEnv *env);

#endif
