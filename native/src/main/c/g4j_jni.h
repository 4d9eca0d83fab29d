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
