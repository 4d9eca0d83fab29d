/* Peer of io.gevent4j.loop.Posix (being written). */
#include "g4j_jni.h"

#define CLASS G4J_PACKAGE "Posix"

int g4j__posix_onload(JNIEnv *env) { return 0; }
void g4j__posix_onunload(JNIEnv *env) {}
