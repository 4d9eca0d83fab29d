/*
 * Peer of io.gevent4j.loop.NativeLoop: thin JNI glue over the loop layer (g4j_loop.h).
 * Pointers travel as jlong; failures come back as -errno and Java throws.
 */
#include "g4j_jni.h"
#include "g4j_loop.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#define CLASS G4J_PACKAGE "NativeLoop"
#define LOOP(p) ((g4j_loop *) (intptr_t) (p))
#define WATCHER(p) ((g4j_watcher *) (intptr_t) (p))

static jlong loop_new(JNIEnv *env, jclass cls, jint backend) {
  g4j_loop *loop;
  int rc = g4j_loop_new(backend, &loop);
  return rc < 0 ? rc : (jlong) (intptr_t) loop;
}

static void loop_destroy(JNIEnv *env, jclass cls, jlong loop) { g4j_loop_destroy(LOOP(loop)); }

static jint loop_run(JNIEnv *env, jclass cls, jlong loop, jint mode) { return g4j_loop_run(LOOP(loop), mode); }

/* The batch as a direct buffer; it moves only when a run outgrew it. */
static jobject loop_events(JNIEnv *env, jclass cls, jlong loop) {
  g4j_loop *l = LOOP(loop);
  return (*env)->NewDirectByteBuffer(env, l->events, (jlong) l->events_capacity * (jlong) sizeof(g4j_event));
}

static jdouble loop_now(JNIEnv *env, jclass cls, jlong loop) { return LOOP(loop)->ops->now(LOOP(loop)); }
static void loop_update_now(JNIEnv *env, jclass cls, jlong loop) { LOOP(loop)->ops->update_now(LOOP(loop)); }
static void loop_break(JNIEnv *env, jclass cls, jlong loop) { g4j_loop_break(LOOP(loop)); }
static jint loop_pending(JNIEnv *env, jclass cls, jlong loop) { return LOOP(loop)->ops->pending_count(LOOP(loop)); }
static jint loop_active(JNIEnv *env, jclass cls, jlong loop) { return LOOP(loop)->active_watchers; }
/* The calling thread takes the loop over (Java checked that it may): a close made on it then
 * stops this loop's watchers at once (g4j_fd.c). */
static void loop_claim(JNIEnv *env, jclass cls, jlong loop) { g4j_loop_claim(LOOP(loop)); }
static jint loop_referenced(JNIEnv *env, jclass cls, jlong loop) { return LOOP(loop)->referenced_watchers; }

static jstring loop_backend_name(JNIEnv *env, jclass cls, jlong loop) {
  char buf[64];
  return (*env)->NewStringUTF(env, g4j_loop_backend_name(LOOP(loop), buf, sizeof buf));
}

static jlong watcher_new(JNIEnv *env, jclass cls, jlong loop, jint kind, jint id) {
  g4j_watcher *w;
  int rc = g4j_watcher_new(LOOP(loop), kind, id, &w);
  return rc < 0 ? rc : (jlong) (intptr_t) w;
}

static jint watcher_start(JNIEnv *env, jclass cls, jlong w) { return g4j_watcher_start(WATCHER(w)); }
static void watcher_stop(JNIEnv *env, jclass cls, jlong w) { g4j_watcher_stop(WATCHER(w)); }
static void watcher_free(JNIEnv *env, jclass cls, jlong w) { g4j_watcher_free(WATCHER(w)); }
static jboolean watcher_active(JNIEnv *env, jclass cls, jlong w) { return WATCHER(w)->active ? JNI_TRUE : JNI_FALSE; }
static void watcher_ref(JNIEnv *env, jclass cls, jlong w, jboolean ref) { g4j_watcher_set_ref(WATCHER(w), ref); }

static jint io_set(JNIEnv *env, jclass cls, jlong w, jint fd, jint events) { return g4j_io_set(WATCHER(w), fd, events); }
static jint timer_set(JNIEnv *env, jclass cls, jlong w, jdouble after, jdouble repeat) {
  return g4j_timer_set(WATCHER(w), after, repeat);
}
static jint timer_again(JNIEnv *env, jclass cls, jlong w) { return g4j_timer_again(WATCHER(w)); }
static jint signal_set(JNIEnv *env, jclass cls, jlong w, jint signum) { return g4j_signal_set(WATCHER(w), signum); }
static jint child_set(JNIEnv *env, jclass cls, jlong w, jint pid) { return g4j_child_set(WATCHER(w), pid); }
static jint child_status(JNIEnv *env, jclass cls, jlong w) { return WATCHER(w)->u.child.status; }
static jint async_send(JNIEnv *env, jclass cls, jlong w) { return g4j_async_send(WATCHER(w)); }

static jint stat_set(JNIEnv *env, jclass cls, jlong w, jbyteArray path, jdouble interval) {
  jsize len = (*env)->GetArrayLength(env, path);
  char *cpath = malloc((size_t) len + 1);
  if (!cpath) return -ENOMEM;
  (*env)->GetByteArrayRegion(env, path, 0, len, (jbyte *) cpath);
  cpath[len] = 0;
  int rc = g4j_stat_set(WATCHER(w), cpath, interval);
  free(cpath);
  return rc;
}

static const JNINativeMethod methods[] = {
  {"loopNew", "(I)J", (void *) loop_new},
  {"loopDestroy", "(J)V", (void *) loop_destroy},
  {"loopRun", "(JI)I", (void *) loop_run},
  {"loopEvents", "(J)Ljava/nio/ByteBuffer;", (void *) loop_events},
  {"loopNow", "(J)D", (void *) loop_now},
  {"loopUpdateNow", "(J)V", (void *) loop_update_now},
  {"loopBreak", "(J)V", (void *) loop_break},
  {"loopPendingCount", "(J)I", (void *) loop_pending},
  {"loopActiveCount", "(J)I", (void *) loop_active},
  {"loopClaim", "(J)V", (void *) loop_claim},
  {"loopReferencedCount", "(J)I", (void *) loop_referenced},
  {"loopBackendName", "(J)Ljava/lang/String;", (void *) loop_backend_name},
  {"watcherNew", "(JII)J", (void *) watcher_new},
  {"watcherStart", "(J)I", (void *) watcher_start},
  {"watcherStop", "(J)V", (void *) watcher_stop},
  {"watcherFree", "(J)V", (void *) watcher_free},
  {"watcherActive", "(J)Z", (void *) watcher_active},
  {"watcherRef", "(JZ)V", (void *) watcher_ref},
  {"ioSet", "(JII)I", (void *) io_set},
  {"timerSet", "(JDD)I", (void *) timer_set},
  {"timerAgain", "(J)I", (void *) timer_again},
  {"signalSet", "(JI)I", (void *) signal_set},
  {"childSet", "(JI)I", (void *) child_set},
  {"childStatus", "(J)I", (void *) child_status},
  {"statSet", "(J[BD)I", (void *) stat_set},
  {"asyncSend", "(J)I", (void *) async_send},
};

int g4j__native_loop_onload(JNIEnv *env) {
  return g4j__register(env, CLASS, methods, (int) (sizeof methods / sizeof methods[0]));
}

void g4j__native_loop_onunload(JNIEnv *env) { g4j__unregister(env, CLASS); }
