/*
 * The library's entry points: the only exported symbols. Each JNI file registers its
 * natives in turn; when one fails, the ones done are undone in reverse.
 */
#include "g4j_jni.h"

#include <stddef.h>

typedef struct {
  int (*onload)(JNIEnv *env);
  void (*onunload)(JNIEnv *env);
} g4j_part;

static const g4j_part parts[] = {
  {g4j__native_onload, g4j__native_onunload},
  {g4j__native_loop_onload, g4j__native_loop_onunload},
  {g4j__posix_onload, g4j__posix_onunload},
};
#define PARTS ((int) (sizeof parts / sizeof parts[0]))

int g4j__register(JNIEnv *env, const char *class_name, const JNINativeMethod *methods, int count) {
  jclass cls = (*env)->FindClass(env, class_name);
  if (!cls) return -1;
  int rc = (*env)->RegisterNatives(env, cls, methods, count);
  (*env)->DeleteLocalRef(env, cls);
  return rc == 0 ? 0 : -1;
}

void g4j__unregister(JNIEnv *env, const char *class_name) {
  jclass cls = (*env)->FindClass(env, class_name);
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
  for (int i = 0; i < PARTS; i++) {
    if (parts[i].onload(env) != 0) {
      for (int j = i - 1; j >= 0; j--) parts[j].onunload(env);
      return JNI_ERR;
    }
  }
  return G4J_JNI_VERSION;
}

JNIEXPORT void JNI_OnUnload(JavaVM *vm, void *reserved) {
  JNIEnv *env;
  if ((*vm)->GetEnv(vm, (void **) &env, G4J_JNI_VERSION) != JNI_OK) return;
  for (int i = PARTS - 1; i >= 0; i--) parts[i].onunload(env);
}
