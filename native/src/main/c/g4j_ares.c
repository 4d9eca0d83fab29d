/*
 * Peer of io.gevent4j.loop.internal.Ares: thin glue over the c-ares channel of
 * g4j_ares_channel.h. Channels are pointers as jlong; Java checks the thread (its loop's owner),
 * that a channel is open and the arguments before it calls, and C checks them again where a
 * mistake would crash.
 *
 * Nothing throws (a JNI allocation failure leaves its own exception pending, nothing more) and
 * nothing calls into Java: the calls that may change something return how many bytes of records
 * wait (or -ARES_ENOMEM when one was lost), and take0 hands them over as one byte[].
 */
#include "g4j_ares_channel.h"
#include "g4j_jni.h"

#include <stdint.h>

static g4j_ares_channel *channel_of(jlong p) { return (g4j_ares_channel *) (intptr_t) p; }

/* The channel's records as a new byte[] (NULL when there are none), then forgotten; on an
 * allocation failure they stay, and OutOfMemoryError is pending. */
static jbyteArray take(JNIEnv *env, g4j_ares_channel *c) {
  int n = g4j_ares_channel_pending(c);
  if (n < 0) n = 0; /* -ARES_ENOMEM: Java learned that from the call that returned it */
  if (n == 0) return NULL;
  jbyteArray out = (*env)->NewByteArray(env, n);
  if (!out) return NULL;
  (*env)->SetByteArrayRegion(env, out, 0, n, (const jbyte *) g4j_ares_channel_records(c));
  g4j_ares_channel_clear(c);
  return out;
}

/* A new channel: its pointer, or -status. */
static jlong g4j_ares_new0(JNIEnv *env, jclass cls, jstring servers, jint timeout_ms, jint tries) {
  if (!servers) return -ARES_EBADSTR;
  const char *csv = (*env)->GetStringUTFChars(env, servers, NULL);
  if (!csv) return -ARES_ENOMEM;
  g4j_ares_channel *c;
  int status = g4j_ares_channel_new(csv, timeout_ms, tries, &c);
  (*env)->ReleaseStringUTFChars(env, servers, csv);
  if (status != ARES_SUCCESS) return -(jlong) status;
  return (jlong) (intptr_t) c;
}

/* Sends the whole array as one query: the bytes of records waiting, or -ARES_ENOMEM. When the
 * array cannot be read (OutOfMemoryError pending), nothing is sent and nothing recorded. */
static jint g4j_ares_send0(JNIEnv *env, jclass cls, jlong channel, jbyteArray query, jint token) {
  g4j_ares_channel *c = channel_of(channel);
  if (!c) return 0;
  jsize length = query ? (*env)->GetArrayLength(env, query) : 0;
  if (length < 12 || length > 65535) {
    g4j_ares_channel_send(c, NULL, 0, token); /* ends at once with ARES_EBADQUERY */
    return g4j_ares_channel_pending(c);
  }
  jbyte *bytes = (*env)->GetByteArrayElements(env, query, NULL);
  if (!bytes) return 0;
  g4j_ares_channel_send(c, (const unsigned char *) bytes, length, token); /* c-ares copies it */
  (*env)->ReleaseByteArrayElements(env, query, bytes, JNI_ABORT);
  return g4j_ares_channel_pending(c);
}

/* ares_process_fd (-1: no descriptor): the bytes of records waiting, or -ARES_ENOMEM. */
static jint g4j_ares_process0(JNIEnv *env, jclass cls, jlong channel, jint read_fd, jint write_fd) {
  g4j_ares_channel *c = channel_of(channel);
  if (!c) return 0;
  g4j_ares_channel_process(c, read_fd, write_fd);
  return g4j_ares_channel_pending(c);
}

/* Milliseconds until a timeout is due, or -1 when no query is under way. */
static jint g4j_ares_timeout0(JNIEnv *env, jclass cls, jlong channel) {
  g4j_ares_channel *c = channel_of(channel);
  return c ? g4j_ares_channel_timeout(c) : -1;
}

/* The records waiting, as one byte[] (null when none), forgotten by C once handed over. */
static jbyteArray g4j_ares_take0(JNIEnv *env, jclass cls, jlong channel) {
  g4j_ares_channel *c = channel_of(channel);
  return c ? take(env, c) : NULL;
}

/* ares_destroy, then frees the channel: its last records (the queries ended with
 * ARES_EDESTRUCTION, the sockets closed), or null when there were none. */
static jbyteArray g4j_ares_destroy0(JNIEnv *env, jclass cls, jlong channel) {
  g4j_ares_channel *c = channel_of(channel);
  if (!c) return NULL;
  g4j_ares_channel_shutdown(c);
  jbyteArray last = take(env, c);
  g4j_ares_channel_free(c);
  return last;
}

/* "ARES_ETIMEOUT" */
static jstring g4j_ares_status_name0(JNIEnv *env, jclass cls, jint status) {
  return (*env)->NewStringUTF(env, g4j_ares_status_name(status));
}

/* ares_strerror's text. */
static jstring g4j_ares_strerror0(JNIEnv *env, jclass cls, jint status) {
  return (*env)->NewStringUTF(env, ares_strerror(status));
}

/* { c-ares runtime, c-ares build } */
static jobjectArray g4j_ares_versions0(JNIEnv *env, jclass cls) {
  jclass string = (*env)->FindClass(env, "java/lang/String");
  if (!string) return NULL;
  jobjectArray result = (*env)->NewObjectArray(env, 2, string, NULL);
  (*env)->DeleteLocalRef(env, string);
  if (!result) return NULL;
  const char *values[2] = {g4j_ares_version(), g4j_ares_build_version()};
  for (int i = 0; i < 2; i++) {
    jstring s = (*env)->NewStringUTF(env, values[i]);
    if (!s) return NULL;
    (*env)->SetObjectArrayElement(env, result, i, s);
    (*env)->DeleteLocalRef(env, s);
  }
  return result;
}

/* Ares.Natives */
static const JNINativeMethod methods[] = {
  {"new0", "(Ljava/lang/String;II)J", (void *) g4j_ares_new0},
  {"send0", "(J[BI)I", (void *) g4j_ares_send0},
  {"process0", "(JII)I", (void *) g4j_ares_process0},
  {"timeout0", "(J)I", (void *) g4j_ares_timeout0},
  {"take0", "(J)[B", (void *) g4j_ares_take0},
  {"destroy0", "(J)[B", (void *) g4j_ares_destroy0},
  {"statusName0", "(I)Ljava/lang/String;", (void *) g4j_ares_status_name0},
  {"strerror0", "(I)Ljava/lang/String;", (void *) g4j_ares_strerror0},
  {"versions0", "()[Ljava/lang/String;", (void *) g4j_ares_versions0},
};

const g4j_natives g4j_ares_natives = G4J_INTERNAL_NATIVES("Ares", methods);
