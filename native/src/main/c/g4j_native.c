/*
 * Peer of io.gevent4j.loop.Native: the constants of g4j_constants.h (names and values),
 * errno names, library versions.
 */
#include "g4j_constants.h"
#include "g4j_jni.h"
#include "g4j_loop.h"

#include <string.h>

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

static jobjectArray g4j_native_constant_names0(JNIEnv *env, jclass cls) {
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

static jintArray g4j_native_constant_values0(JNIEnv *env, jclass cls) {
  jintArray result = (*env)->NewIntArray(env, CONSTANT_COUNT);
  if (result) (*env)->SetIntArrayRegion(env, result, 0, CONSTANT_COUNT, constant_values);
  return result;
}

static jstring g4j_native_errno_name0(JNIEnv *env, jclass cls, jint errnum) {
  const char *name = strerrorname_np(errnum);
  return name ? (*env)->NewStringUTF(env, name) : NULL;
}

static jstring g4j_native_strerror0(JNIEnv *env, jclass cls, jint errnum) {
  char buf[256];
  const char *text = strerror_r(errnum, buf, sizeof buf); /* GNU strerror_r */
  return (*env)->NewStringUTF(env, text);
}

/* { libev runtime, libev build, libuv runtime, libuv build } */
static jobjectArray g4j_native_versions0(JNIEnv *env, jclass cls) {
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

/* Creates and destroys a loop of the backend: 0, or -errno (Native's availability probe). */
static jint g4j_native_probe0(JNIEnv *env, jclass cls, jint backend) {
  g4j_loop *loop;
  int rc = g4j_loop_new(backend, &loop);
  if (rc < 0) return rc;
  g4j_loop_destroy(loop);
  return 0;
}

/* Native.Natives */
static const JNINativeMethod methods[] = {
  {"probe0", "(I)I", (void *) g4j_native_probe0},
  {"constantNames0", "()[Ljava/lang/String;", (void *) g4j_native_constant_names0},
  {"constantValues0", "()[I", (void *) g4j_native_constant_values0},
  {"errnoName0", "(I)Ljava/lang/String;", (void *) g4j_native_errno_name0},
  {"strerror0", "(I)Ljava/lang/String;", (void *) g4j_native_strerror0},
  {"versions0", "()[Ljava/lang/String;", (void *) g4j_native_versions0},
};

const g4j_natives g4j_native_natives = G4J_NATIVES("Native", methods);
