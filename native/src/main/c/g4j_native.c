/*
 * Peer of io.gevent4j.loop.Native: the constants of g4j_constants.h (names and values),
 * errno names, library versions.
 */
#include "g4j_constants.h"
#include "g4j_jni.h"
#include "g4j_loop.h"

#include <string.h>

#define CLASS G4J_PACKAGE "Native"

/* The constants of g4j_constants.h: names and values in the same order. */
static const char *const constant_names[] = {
#define G4J_NAME(name, value) #name,
  G4J_CONSTANTS(G4J_NAME)
#undef G4J_NAME
};

static const jint constant_values[] = {
#define G4J_VALUE(name, value) (jint) (value),
  G4J_CONSTANTS(G4J_VALUE)
#undef G4J_VALUE
};

#define CONSTANT_COUNT ((jint) (sizeof constant_values / sizeof constant_values[0]))

static jobjectArray native_constant_names(JNIEnv *env, jclass cls) {
  jclass string = (*env)->FindClass(env, "java/lang/String");
  if (!string) return NULL;
  jobjectArray result = (*env)->NewObjectArray(env, CONSTANT_COUNT, string, NULL);
  (*env)->DeleteLocalRef(env, string);
  if (!result) return NULL;
  for (jint i = 0; i < CONSTANT_COUNT; i++) {
    jstring s = (*env)->NewStringUTF(env, constant_names[i]);
    if (!s) return NULL;
    (*env)->SetObjectArrayElement(env, result, i, s);
    (*env)->DeleteLocalRef(env, s);
  }
  return result;
}

static jintArray native_constant_values(JNIEnv *env, jclass cls) {
  jintArray result = (*env)->NewIntArray(env, CONSTANT_COUNT);
  if (result) (*env)->SetIntArrayRegion(env, result, 0, CONSTANT_COUNT, constant_values);
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
  {"constantNames", "()[Ljava/lang/String;", (void *) native_constant_names},
  {"constantValues", "()[I", (void *) native_constant_values},
  {"errnoName", "(I)Ljava/lang/String;", (void *) native_errno_name},
  {"strerror", "(I)Ljava/lang/String;", (void *) native_strerror},
  {"versions", "()[Ljava/lang/String;", (void *) native_versions},
};

int g4j__native_onload(JNIEnv *env) {
  return g4j__register(env, CLASS, methods, (int) (sizeof methods / sizeof methods[0]));
}

void g4j__native_onunload(JNIEnv *env) { g4j__unregister(env, CLASS); }
