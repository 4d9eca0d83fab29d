/*
 * Peer of io.gevent4j.loop.PosixProcesses: posix_spawn, waitpid, kill.
 *
 * Every native returns a pid or 0, or -errno, and never throws (a JNI allocation failure
 * leaves its own exception pending, nothing more). EINTR is retried.
 */
#include "g4j_jni.h"
#include "g4j_posix.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>

extern char **environ;

/* A NUL-terminated copy of a byte[] (Java checked it holds no NUL), or NULL. */
static char *copy_string(JNIEnv *env, jbyteArray bytes) {
  jsize n = (*env)->GetArrayLength(env, bytes);
  char *s = malloc((size_t) n + 1);
  if (!s) return NULL;
  (*env)->GetByteArrayRegion(env, bytes, 0, n, (jbyte *) s);
  s[n] = 0;
  return s;
}

/*
 * A NULL-terminated vector of NUL-terminated copies of a byte[][], pointers and strings in
 * one block: free() it once. Null elements become NULL pointers when allowed (file-action
 * paths), else the vector is refused. NULL with *rc set on failure.
 */
static char **copy_vector(JNIEnv *env, jobjectArray array, int allow_null, int *rc) {
  jsize count = (*env)->GetArrayLength(env, array);
  size_t bytes = ((size_t) count + 1) * sizeof(char *);
  for (jsize i = 0; i < count; i++) {
    jbyteArray e = (*env)->GetObjectArrayElement(env, array, i);
    if (!e && !allow_null) {
      *rc = -EINVAL;
      return NULL;
    }
    if (e) bytes += (size_t) (*env)->GetArrayLength(env, e) + 1;
    (*env)->DeleteLocalRef(env, e);
  }
  char **v = malloc(bytes);
  if (!v) {
    *rc = -ENOMEM;
    return NULL;
  }
  char *p = (char *) (v + count + 1), *end = (char *) v + bytes;
  for (jsize i = 0; i < count; i++) {
    jbyteArray e = (*env)->GetObjectArrayElement(env, array, i);
    v[i] = NULL;
    if (e) {
      jsize n = (*env)->GetArrayLength(env, e);
      if ((size_t) n + 1 > (size_t) (end - p)) { /* the array changed under us */
        (*env)->DeleteLocalRef(env, e);
        free(v);
        *rc = -EINVAL;
        return NULL;
      }
      (*env)->GetByteArrayRegion(env, e, 0, n, (jbyte *) p);
      p[n] = 0;
      v[i] = p;
      p += n + 1;
    } else if (!allow_null) {
      free(v);
      *rc = -EINVAL;
      return NULL;
    }
    (*env)->DeleteLocalRef(env, e);
  }
  v[count] = NULL;
  return v;
}

/* The file actions in acts (records {op, a, b, c}, paths[i] for record i): 0 or -errno. */
static int add_file_actions(posix_spawn_file_actions_t *fa, const jint *acts, jsize records, char **paths) {
  for (jsize i = 0; i < records; i++) {
    const jint *q = acts + G4J_SPAWN_ACTION_INTS * i;
    int rc;
    switch (q[0]) {
      case G4J_SPAWN_DUP2: rc = posix_spawn_file_actions_adddup2(fa, q[1], q[2]); break;
      case G4J_SPAWN_OPEN: rc = paths[i] ? posix_spawn_file_actions_addopen(fa, q[1], paths[i], q[2], (mode_t) q[3]) : EINVAL; break;
      case G4J_SPAWN_CLOSE: rc = posix_spawn_file_actions_addclose(fa, q[1]); break;
      case G4J_SPAWN_CHDIR: rc = paths[i] ? posix_spawn_file_actions_addchdir_np(fa, paths[i]) : EINVAL; break;
      case G4J_SPAWN_CLOSEFROM: rc = posix_spawn_file_actions_addclosefrom_np(fa, q[1]); break;
      default: rc = EINVAL;
    }
    if (rc != 0) return -rc;
  }
  return 0;
}

/*
 * posix_spawn(3), or posix_spawnp(3) when the program has no '/'. envp null inherits this
 * process's environment. The child starts with no signal blocked and every signal at its
 * default disposition (the JVM blocks and handles several). glibc reports a failed exec
 * (ENOENT, EACCES, ...) as posix_spawn's result, having reaped the child: nothing to clean up.
 */
static jint g4j_posix_processes_spawn0(JNIEnv *env, jclass cls, jbyteArray program, jobjectArray argv, jobjectArray envp,
                            jintArray actions, jobjectArray paths, jint flags, jint pgroup) {
  if (!program || !argv || !actions || !paths) return -EINVAL;
  jsize nacts = (*env)->GetArrayLength(env, actions);
  jsize records = nacts / G4J_SPAWN_ACTION_INTS;
  if (nacts % G4J_SPAWN_ACTION_INTS != 0 || (*env)->GetArrayLength(env, paths) != records) return -EINVAL;

  int rc = 0;
  char *prog = NULL, **args = NULL, **envs = NULL, **pathv = NULL;
  jint *acts = NULL;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  int fa_ready = 0, attr_ready = 0;

  if (!(prog = copy_string(env, program))) { rc = -ENOMEM; goto done; }
  if (!(args = copy_vector(env, argv, 0, &rc))) goto done;
  if (envp && !(envs = copy_vector(env, envp, 0, &rc))) goto done;
  if (!(pathv = copy_vector(env, paths, 1, &rc))) goto done;
  if (!(acts = malloc(((size_t) nacts + 1) * sizeof(jint)))) { rc = -ENOMEM; goto done; }
  (*env)->GetIntArrayRegion(env, actions, 0, nacts, acts);

  if ((rc = -posix_spawn_file_actions_init(&fa)) < 0) goto done;
  fa_ready = 1;
  if ((rc = add_file_actions(&fa, acts, records, pathv)) < 0) goto done;

  if ((rc = -posix_spawnattr_init(&attr)) < 0) goto done;
  attr_ready = 1;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  short spawn_flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (flags & G4J_SPAWN_SETSID) spawn_flags |= POSIX_SPAWN_SETSID;
  if (flags & G4J_SPAWN_SETPGROUP) {
    spawn_flags |= POSIX_SPAWN_SETPGROUP;
    if ((rc = -posix_spawnattr_setpgroup(&attr, pgroup)) < 0) goto done;
  }
  if ((rc = -posix_spawnattr_setflags(&attr, spawn_flags)) < 0) goto done;
  if ((rc = -posix_spawnattr_setsigmask(&attr, &none)) < 0) goto done;
  if ((rc = -posix_spawnattr_setsigdefault(&attr, &all)) < 0) goto done;

  pid_t pid;
  char **environment = envs ? envs : environ;
  int err = strchr(prog, '/') ? posix_spawn(&pid, prog, &fa, &attr, args, environment)
                              : posix_spawnp(&pid, prog, &fa, &attr, args, environment);
  rc = err != 0 ? -err : pid;

done:
  if (attr_ready) posix_spawnattr_destroy(&attr);
  if (fa_ready) posix_spawn_file_actions_destroy(&fa);
  free(acts);
  free(pathv);
  free(envs);
  free(args);
  free(prog);
  return rc;
}

/* waitpid(2): 0 with {pid, raw status} in result ({0, 0} when WNOHANG found nothing), or -errno. */
static jint g4j_posix_processes_waitpid0(JNIEnv *env, jclass cls, jint pid, jint options, jintArray result) {
  if (!result || (*env)->GetArrayLength(env, result) < 2) return -EINVAL;
  int status = 0;
  pid_t r;
  do r = waitpid(pid, &status, options); while (r < 0 && errno == EINTR);
  if (r < 0) return g4j__neg_errno();
  jint out[2] = {r, r == 0 ? 0 : status};
  (*env)->SetIntArrayRegion(env, result, 0, 2, out);
  return 0;
}

static jint g4j_posix_processes_kill0(JNIEnv *env, jclass cls, jint pid, jint sig) {
  return kill(pid, sig) < 0 ? g4j__neg_errno() : 0;
}

/* PosixProcesses.Natives */
static const JNINativeMethod methods[] = {
  {"spawn0", "([B[[B[[B[I[[BII)I", (void *) g4j_posix_processes_spawn0},
  {"waitpid0", "(II[I)I", (void *) g4j_posix_processes_waitpid0},
  {"kill0", "(II)I", (void *) g4j_posix_processes_kill0},
};

const g4j_natives g4j_posix_processes_natives = G4J_NATIVES("PosixProcesses", methods);
