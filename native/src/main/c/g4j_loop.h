/*
 * gevent4j loop layer: one backend-neutral event loop API over libev and libuv.
 *
 * The contract between the shared core (g4j_loop.c) and a backend (g4j_loop_libev.c,
 * g4j_loop_libuv.c) is the g4j_backend_ops struct below: a third backend is one new file
 * that fills it. Nothing here knows about JNI; the Java peer is g4j_native_loop.c.
 *
 * Threading: a loop and its watchers belong to one thread. The only exception is
 * g4j_async_send(), which any thread may call while the watcher is alive (Java guards
 * the lifetime).
 *
 * Errors: functions return 0 (or a count) on success and -errno on failure.
 *
 * Events: a backend never calls out of the library. Fired watchers are appended to the
 * loop's event batch as g4j_event records (watcher id, revents); the caller reads the batch
 * after g4j_loop_run() returns.
 */
#ifndef G4J_LOOP_H
#define G4J_LOOP_H

#include <pthread.h>
#include <stdint.h>

/* Watcher kinds. */
enum {
  G4J_IO = 1, G4J_TIMER, G4J_SIGNAL, G4J_ASYNC, G4J_CHILD,
  G4J_IDLE, G4J_PREPARE, G4J_CHECK, G4J_STAT, G4J_FORK,
  G4J_WATCHER_KINDS
};

/* revents bits (libev's values, which gevent exposes too). */
#define G4J_EV_READ     0x01
#define G4J_EV_WRITE    0x02
#define G4J_EV_TIMER    0x00000100
#define G4J_EV_SIGNAL   0x00000400
#define G4J_EV_CHILD    0x00000800
#define G4J_EV_STAT     0x00001000
#define G4J_EV_IDLE     0x00002000
#define G4J_EV_PREPARE  0x00004000
#define G4J_EV_CHECK    0x00008000
#define G4J_EV_ASYNC    0x00080000
#define G4J_EV_FORK     0x00200000
#define G4J_EV_ERROR    ((int32_t)0x80000000)

/* run modes */
enum { G4J_RUN_DEFAULT = 0, G4J_RUN_NOWAIT = 1, G4J_RUN_ONCE = 2 };

/* backends */
enum { G4J_BACKEND_LIBEV = 0, G4J_BACKEND_LIBUV = 1, G4J_BACKENDS };

typedef struct g4j_loop g4j_loop;
typedef struct g4j_watcher g4j_watcher;

/* One record of the event batch: which watcher fired, and with what. Java reads the batch
 * through a direct buffer, with this record's size and field offsets from g4j_constants.h. */
typedef struct g4j_event {
  int32_t id;                 /* the watcher's id */
  int32_t revents;            /* G4J_EV_* bits */
} g4j_event;

struct g4j_watcher {
  g4j_loop *loop;
  g4j_watcher *next, *prev;   /* the loop's list of live watchers */
  int kind;
  int32_t id;                 /* the caller's id, written into the event batch */
  int active;
  int referenced;             /* 0: does not keep the loop alive */
  union {
    struct {
      int fd;
      int events;
      g4j_watcher *poll_next;                 /* the libuv backend's list of a poll entry */
      g4j_watcher *fd_next, *fd_prev;         /* the process-wide list of the fd (g4j_fd.c) */
      int attached;                           /* in that list: started, not yet stopped */
      g4j_watcher *dirty_next, *dirty_prev;   /* started since the last poll: checked before it */
      int dirty;
      unsigned long long dev, ino;            /* the file the fd was when the watcher started */
    } io;
    struct { double after, repeat; } timer;
    struct { int signum; } signal;
    struct { int pid; int pidfd; int status; g4j_watcher *pidfd_io; } child;
    struct { char *path; double interval; } stat;
  } u;
  /* Set on watchers the core uses for itself (a child's pidfd io watcher): the core
   * handles their events instead of putting them in the batch. */
  void (*internal_cb)(g4j_watcher *w, int revents);
  g4j_watcher *internal_owner;
  void *backend;              /* the backend's handle */
  int unlisted;               /* the core's own watcher, not in the loop's list (the wake-up) */
};

typedef struct g4j_backend_ops {
  const char *name;                                  /* "libev", "libuv" */
  int (*loop_init)(g4j_loop *loop);
  /* Stops and frees whatever the backend still holds; watchers are already destroyed. */
  void (*loop_destroy)(g4j_loop *loop);
  const char *(*method)(g4j_loop *loop);             /* "epoll", ... */
  int (*run)(g4j_loop *loop, int mode);              /* 0 or -errno */
  double (*now)(g4j_loop *loop);
  void (*update_now)(g4j_loop *loop);
  void (*break_loop)(g4j_loop *loop);
  int (*pending_count)(g4j_loop *loop);
  /* Allocates w->backend for w->kind; -ENOTSUP when the backend has no such watcher. */
  int (*watcher_init)(g4j_watcher *w);
  int (*start)(g4j_watcher *w);                      /* only called when inactive */
  void (*stop)(g4j_watcher *w);                      /* only called when active */
  void (*watcher_destroy)(g4j_watcher *w);           /* only called when inactive */
  void (*set_ref)(g4j_watcher *w, int referenced);   /* the core has updated w->referenced */
  int (*async_send)(g4j_watcher *w);                 /* any thread */
  /* The descriptors the backend opened for this loop (its epoll set, its wake-up): at most
   * max of them into fds; returns how many. Called once, after the core's wake-up watcher
   * started. */
  int (*own_fds)(g4j_loop *loop, int *fds, int max);
  const char *(*version)(void);                      /* runtime library version */
  const char *(*build_version)(void);                /* version compiled against */
} g4j_backend_ops;

extern const g4j_backend_ops g4j__libev_ops;
extern const g4j_backend_ops g4j__libuv_ops;

struct g4j_loop {
  const g4j_backend_ops *ops;
  void *backend;
  g4j_watcher *watchers;      /* every live watcher, for close */
  int active_watchers;
  int referenced_watchers;
  g4j_event *events;          /* the batch */
  int events_count;           /* records */
  int events_capacity;        /* records */
  int events_overflow;        /* a batch that could not grow: reported as -ENOMEM by run */
  int events_returned;        /* records the last run returned; events after them came in between */
  g4j_event *spill;           /* records emitted between runs that did not fit: the batch Java reads */
  int spill_count, spill_capacity; /* must not move then, so they wait here for the next run */
  int running;
  pthread_t thread;           /* the loop's thread: only it touches the loop; read by closers (atomic) */
  int fd_floor;               /* the lowest free descriptor before the backend opened its own */
  int own_fds[8];             /* the backend's own descriptors, reserved while the loop lives */
  int own_fd_count;
  g4j_watcher *wake;          /* internal async: other threads' requests (g4j_fd.c) */
  g4j_watcher *dirty;         /* io watchers started since the last poll */
  pthread_mutex_t requests_lock;
  struct g4j_fd_request *requests; /* fds other threads closed under this loop's watchers */
  int broken;                 /* errno of a system error that left the backend unusable, or 0 */
};

/* The core, for the JNI glue and the C test driver. */
const g4j_backend_ops *g4j_backend(int backend);
int g4j_loop_new(int backend, g4j_loop **out);
void g4j_loop_destroy(g4j_loop *loop);            /* stops and frees every watcher */
int g4j_loop_run(g4j_loop *loop, int mode);       /* number of events in the batch, or -errno */
void g4j_loop_break(g4j_loop *loop);             /* the run in progress returns after this iteration */
char *g4j_loop_backend_name(g4j_loop *loop, char *buf, int len); /* "libev:epoll" */
/* The calling thread becomes the loop's thread (a hub hands its loop between its own thread
 * and its owner's, one at a time). */
void g4j_loop_claim(g4j_loop *loop);

int g4j_watcher_new(g4j_loop *loop, int kind, int32_t id, g4j_watcher **out);
int g4j_watcher_start(g4j_watcher *w);
void g4j_watcher_stop(g4j_watcher *w);
void g4j_watcher_free(g4j_watcher *w);            /* stops first */
void g4j_watcher_set_ref(g4j_watcher *w, int referenced);

int g4j_io_set(g4j_watcher *w, int fd, int events);   /* also while active */
int g4j_timer_set(g4j_watcher *w, double after, double repeat);
int g4j_timer_again(g4j_watcher *w);
int g4j_signal_set(g4j_watcher *w, int signum);
int g4j_child_set(g4j_watcher *w, int pid);
int g4j_stat_set(g4j_watcher *w, const char *path, double interval);
int g4j_async_send(g4j_watcher *w);

/* ---- descriptors (g4j_fd.c) ------------------------------------------------------------
 * The core owns the life of every descriptor it watches. g4j_fd_close() is how gevent4j
 * closes one: it stops that fd's io watchers first, on every loop, so that no backend ever
 * hands a dead fd to epoll_ctl (libev asserts, libuv aborts). Watchers of the calling
 * thread's loops are stopped at once; other loops are asked through their wake-up watcher,
 * and the last of them closes the fd. Either way each stopped watcher fires once with
 * G4J_EV_ERROR | READ | WRITE, as libev's fd_kill does. A loop's own descriptors cannot
 * be closed (-EBUSY) or watched (-EBUSY).
 *
 * Returns 0 (also when the close(2) itself is left to another loop), or -errno. */
int g4j_fd_close(int fd);

/* For the core. */
int g4j__fd_attach(g4j_watcher *w);               /* an io watcher starts: 0 or -errno */
void g4j__fd_detach(g4j_watcher *w);              /* it stopped */
void g4j__fd_reserve(int fd, int reserved);      /* a loop's own descriptor (counted) */
void g4j__fd_take_requests(g4j_loop *loop);      /* on the loop's thread: requests of other threads */
/* On the loop's thread: w, and the loop's other watchers of its fd, fail when the fd is
 * closed or names another file than when they started (closed behind gevent4j's back).
 * Returns whether any did. */
int g4j__fd_kill_stale(g4j_loop *loop, g4j_watcher *w);
/* Stops a list of io watchers (linked through u.io.fd_next, already detached) and fires
 * each once with G4J_EV_ERROR | G4J_EV_READ | G4J_EV_WRITE. */
void g4j__kill_io(g4j_watcher *list);

/* For backends: append a fired watcher to the batch (or hand it to its internal_cb). */
void g4j__emit(g4j_watcher *w, int revents);
/* For backends: a watcher the backend stopped by itself (a one-shot timer that fired). */
void g4j__mark_stopped(g4j_watcher *w);

#endif
