/*
 * The library's entry points: the only exported symbols. Each JNI file registers its
 * natives in turn; when one fails, the ones done are undone in reverse.
 */
#include "g4j_jni.h"

#include <stddef.h>
#include <string.h>

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

/*
 * The class, loaded but not initialized. JNI's FindClass would run its static initializer
 * (HotSpot initializes what FindClass finds), and Posix's and NativeLoop's read Constants,
 * which may itself be initializing on this very thread (when a program touches Constants
 * first, its initializer loads the library): they would keep zeros for good.
 * Class.forName(name, false, Native's loader) leaves initialization for later. NULL with a
 * pending exception on failure.
 */
static jclass find_class_uninitialized(JNIEnv *env, const char *class_name) {
  char binary_name[128];
  size_t n = strlen(class_name);
  if (n >= sizeof binary_name) {
    jclass error = (*env)->FindClass(env, "java/lang/NoClassDefFoundError");
    if (error) (*env)->ThrowNew(env, error, class_name);
    return NULL;
  }
  for (size_t i = 0; i <= n; i++) binary_name[i] = class_name[i] == '/' ? '.' : class_name[i];

  jclass result = NULL;
  jclass native = NULL, class_class = NULL;
  jobject loader = NULL;
  jstring name = NULL;
  /* Native is the class whose initializer loads the library: already initialized, or being
   * initialized by this very thread, so finding it runs nothing. */
  if (!(native = (*env)->FindClass(env, G4J_PACKAGE "Native"))) goto done;
  if (!(class_class = (*env)->FindClass(env, "java/lang/Class"))) goto done;
  jmethodID get_loader = (*env)->GetMethodID(env, class_class, "getClassLoader", "()Ljava/lang/ClassLoader;");
  jmethodID for_name = (*env)->GetStaticMethodID(env, class_class, "forName",
                                                 "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;");
  if (!get_loader || !for_name) goto done;
  loader = (*env)->CallObjectMethod(env, native, get_loader);
  if ((*env)->ExceptionCheck(env)) goto done;
  if (!(name = (*env)->NewStringUTF(env, binary_name))) goto done;
  result = (jclass) (*env)->CallStaticObjectMethod(env, class_class, for_name, name, JNI_FALSE, loader);
  if ((*env)->ExceptionCheck(env)) result = NULL;
done:
  if (name) (*env)->DeleteLocalRef(env, name);
  if (loader) (*env)->DeleteLocalRef(env, loader);
  if (class_class) (*env)->DeleteLocalRef(env, class_class);
  if (native) (*env)->DeleteLocalRef(env, native);
  return result;
}

int g4j__register(JNIEnv *env, const char *class_name, const JNINativeMethod *methods, int count) {
  jclass cls = find_class_uninitialized(env, class_name);
  if (!cls) return -1;
  int rc = (*env)->RegisterNatives(env, cls, methods, count);
  (*env)->DeleteLocalRef(env, cls);
  return rc == 0 ? 0 : -1;
}

void g4j__unregister(JNIEnv *env, const char *class_name) {
  jclass cls = find_class_uninitialized(env, class_name);
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
