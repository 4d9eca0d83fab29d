/*
 * The library's entry points: the only exported symbols. JNI_OnLoad registers every peer's
 * table of natives from the one list below, in order; when one fails, the ones done are
 * undone in reverse and the failure (a pending Java exception) goes to System.load.
 *
 * The holder classes have no static state, so FindClass (which initializes what it finds)
 * runs no Java code here: nothing reads a constant while the library is being loaded.
 * FindClass in JNI_OnLoad looks in the class loader that loads the library (Native's).
 */
#include "g4j_jni.h"

#include <stddef.h>

static const g4j_natives *const peers[] = {
  &g4j_native_natives,
  &g4j_native_loop_natives,
  &g4j_posix_natives,
  &g4j_posix_sockets_natives,
  &g4j_posix_processes_natives,
  &g4j_ares_natives,
};
#define PEERS ((int) (sizeof peers / sizeof peers[0]))

/* 0, or -1 with a pending Java exception. */
static int register_peer(JNIEnv *env, const g4j_natives *peer) {
  jclass cls = (*env)->FindClass(env, peer->class_name);
  if (!cls) return -1;
  jint rc = (*env)->RegisterNatives(env, cls, peer->methods, peer->count);
  (*env)->DeleteLocalRef(env, cls);
  return rc == 0 ? 0 : -1;
}

/* Called without a pending exception; leaves none. */
static void unregister_peer(JNIEnv *env, const g4j_natives *peer) {
  jclass cls = (*env)->FindClass(env, peer->class_name);
  if (!cls) {
    (*env)->ExceptionClear(env);
    return;
  }
  (*env)->UnregisterNatives(env, cls);
  (*env)->DeleteLocalRef(env, cls);
}

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
  JNIEnv *env;
  if ((*vm)->GetEnv(vm, (void **) &env, G4J_JNI_VERSION) != JNI_OK) return JNI_ERR;
  for (int i = 0; i < PEERS; i++) {
    if (register_peer(env, peers[i]) != 0) {
      jthrowable failure = (*env)->ExceptionOccurred(env);
      (*env)->ExceptionClear(env);
      for (int j = i - 1; j >= 0; j--) unregister_peer(env, peers[j]);
      if (failure) (*env)->Throw(env, failure);
      return JNI_ERR;
    }
  }
  return G4J_JNI_VERSION;
}

JNIEXPORT void JNI_OnUnload(JavaVM *vm, void *reserved) {
  JNIEnv *env;
  if ((*vm)->GetEnv(vm, (void **) &env, G4J_JNI_VERSION) != JNI_OK) return;
  for (int i = PEERS - 1; i >= 0; i--) unregister_peer(env, peers[i]);
}
