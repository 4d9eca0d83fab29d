/*
 * Peer of io.gevent4j.loop.NativeLoop: thin JNI glue over the loop layer (g4j_loop.h).
 * Pointers travel as jlong; failures come back as -errno and Java throws.
 */
#include "g4j_jni.h"
#include "g4j_loop.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#define LOOP(p) ((g4j_loop *) (intptr_t) (p))
#define WATCHER(p) ((g4j_watcher *) (intptr_t) (p))

static jlong g4j_native_loop_loop_new0(JNIEnv *env, jclass cls, jint backend) {
  g4j_loop *loop;
  int rc = g4j_loop_new(backend, &loop);
  return rc < 0 ? rc : (jlong) (intptr_t) loop;
}

static void g4j_native_loop_loop_destroy0(JNIEnv *env, jclass cls, jlong loop) { g4j_loop_destroy(LOOP(loop)); }

static jint g4j_native_loop_loop_run0(JNIEnv *env, jclass cls, jlong loop, jint mode) { return g4j_loop_run(LOOP(loop), mode); }

/* The batch as a direct buffer; it moves only when a run outgrew it. */
static jobject g4j_native_loop_loop_events0(JNIEnv *env, jclass cls, jlong loop) {
  g4j_loop *l = LOOP(loop);
  return (*env)->NewDirectByteBuffer(env, l->events, (jlong) l->events_capacity * (jlong) sizeof(g4j_event));
}

static jdouble g4j_native_loop_loop_now0(JNIEnv *env, jclass cls, jlong loop) { return LOOP(loop)->ops->now(LOOP(loop)); }
static void g4j_native_loop_loop_update_now0(JNIEnv *env, jclass cls, jlong loop) { LOOP(loop)->ops->update_now(LOOP(loop)); }
static void g4j_native_loop_loop_break0(JNIEnv *env, jclass cls, jlong loop) { g4j_loop_break(LOOP(loop)); }
static jint g4j_native_loop_loop_pending_count0(JNIEnv *env, jclass cls, jlong loop) { return LOOP(loop)->ops->pending_count(LOOP(loop)); }
static jint g4j_native_loop_loop_active_count0(JNIEnv *env, jclass cls, jlong loop) { return LOOP(loop)->active_watchers; }
/* The calling thread takes the loop over (Java checked that it may): a close made on it then
 * stops this loop's watchers at once (g4j_fd.c). */
static void g4j_native_loop_loop_claim0(JNIEnv *env, jclass cls, jlong loop) { g4j_loop_claim(LOOP(loop)); }
static jint g4j_native_loop_loop_referenced_count0(JNIEnv *env, jclass cls, jlong loop) { return LOOP(loop)->referenced_watchers; }

static jstring g4j_native_loop_loop_backend_name0(JNIEnv *env, jclass cls, jlong loop) {
  char buf[64];
  return (*env)->NewStringUTF(env, g4j_loop_backend_name(LOOP(loop), buf, sizeof buf));
}

static jlong g4j_native_loop_watcher_new0(JNIEnv *env, jclass cls, jlong loop, jint kind, jint id) {
  g4j_watcher *w;
  int rc = g4j_watcher_new(LOOP(loop), kind, id, &w);
  return rc < 0 ? rc : (jlong) (intptr_t) w;
}

static jint g4j_native_loop_watcher_start0(JNIEnv *env, jclass cls, jlong w) { return g4j_watcher_start(WATCHER(w)); }
static void g4j_native_loop_watcher_stop0(JNIEnv *env, jclass cls, jlong w) { g4j_watcher_stop(WATCHER(w)); }
static void g4j_native_loop_watcher_free0(JNIEnv *env, jclass cls, jlong w) { g4j_watcher_free(WATCHER(w)); }
static jboolean g4j_native_loop_watcher_active0(JNIEnv *env, jclass cls, jlong w) { return WATCHER(w)->active ? JNI_TRUE : JNI_FALSE; }
static void g4j_native_loop_watcher_ref0(JNIEnv *env, jclass cls, jlong w, jboolean ref) { g4j_watcher_set_ref(WATCHER(w), ref); }

static jint g4j_native_loop_io_set0(JNIEnv *env, jclass cls, jlong w, jint fd, jint events) { return g4j_io_set(WATCHER(w), fd, events); }
static jint g4j_native_loop_timer_set0(JNIEnv *env, jclass cls, jlong w, jdouble after, jdouble repeat) {
  return g4j_timer_set(WATCHER(w), after, repeat);
}
static jint g4j_native_loop_timer_again0(JNIEnv *env, jclass cls, jlong w) { return g4j_timer_again(WATCHER(w)); }
static jint g4j_native_loop_signal_set0(JNIEnv *env, jclass cls, jlong w, jint signum) { return g4j_signal_set(WATCHER(w), signum); }
static jint g4j_native_loop_child_set0(JNIEnv *env, jclass cls, jlong w, jint pid) { return g4j_child_set(WATCHER(w), pid); }
static jint g4j_native_loop_child_status0(JNIEnv *env, jclass cls, jlong w) { return WATCHER(w)->u.child.status; }
static jint g4j_native_loop_async_send0(JNIEnv *env, jclass cls, jlong w) { return g4j_async_send(WATCHER(w)); }

static jint g4j_native_loop_stat_set0(JNIEnv *env, jclass cls, jlong w, jbyteArray path, jdouble interval) {
  jsize len = (*env)->GetArrayLength(env, path);
  char *cpath = malloc((size_t) len + 1);
  if (!cpath) return -ENOMEM;
  (*env)->GetByteArrayRegion(env, path, 0, len, (jbyte *) cpath);
  cpath[len] = 0;
  int rc = g4j_stat_set(WATCHER(w), cpath, interval);
  free(cpath);
  return rc;
}

/* NativeLoop.Natives */
static const JNINativeMethod methods[] = {
  {"loopNew0", "(I)J", (void *) g4j_native_loop_loop_new0},
  {"loopDestroy0", "(J)V", (void *) g4j_native_loop_loop_destroy0},
  {"loopRun0", "(JI)I", (void *) g4j_native_loop_loop_run0},
  {"loopEvents0", "(J)Ljava/nio/ByteBuffer;", (void *) g4j_native_loop_loop_events0},
  {"loopNow0", "(J)D", (void *) g4j_native_loop_loop_now0},
  {"loopUpdateNow0", "(J)V", (void *) g4j_native_loop_loop_update_now0},
  {"loopBreak0", "(J)V", (void *) g4j_native_loop_loop_break0},
  {"loopPendingCount0", "(J)I", (void *) g4j_native_loop_loop_pending_count0},
  {"loopActiveCount0", "(J)I", (void *) g4j_native_loop_loop_active_count0},
  {"loopClaim0", "(J)V", (void *) g4j_native_loop_loop_claim0},
  {"loopReferencedCount0", "(J)I", (void *) g4j_native_loop_loop_referenced_count0},
  {"loopBackendName0", "(J)Ljava/lang/String;", (void *) g4j_native_loop_loop_backend_name0},
  {"watcherNew0", "(JII)J", (void *) g4j_native_loop_watcher_new0},
  {"watcherStart0", "(J)I", (void *) g4j_native_loop_watcher_start0},
  {"watcherStop0", "(J)V", (void *) g4j_native_loop_watcher_stop0},
  {"watcherFree0", "(J)V", (void *) g4j_native_loop_watcher_free0},
  {"watcherActive0", "(J)Z", (void *) g4j_native_loop_watcher_active0},
  {"watcherRef0", "(JZ)V", (void *) g4j_native_loop_watcher_ref0},
  {"ioSet0", "(JII)I", (void *) g4j_native_loop_io_set0},
  {"timerSet0", "(JDD)I", (void *) g4j_native_loop_timer_set0},
  {"timerAgain0", "(J)I", (void *) g4j_native_loop_timer_again0},
  {"signalSet0", "(JI)I", (void *) g4j_native_loop_signal_set0},
  {"childSet0", "(JI)I", (void *) g4j_native_loop_child_set0},
  {"childStatus0", "(J)I", (void *) g4j_native_loop_child_status0},
  {"statSet0", "(J[BD)I", (void *) g4j_native_loop_stat_set0},
  {"asyncSend0", "(J)I", (void *) g4j_native_loop_async_send0},
};

const g4j_natives g4j_native_loop_natives = G4J_NATIVES("NativeLoop", methods);
