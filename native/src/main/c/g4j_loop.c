/*
 * The backend-neutral part of the loop layer: watcher bookkeeping, the event batch,
 * child watchers (pidfd based, so they reap only their own pids and work on every loop
 * of every backend), and process-wide signal ownership. See g4j_loop.h.
 */
#include "g4j_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define G4J_INITIAL_EVENTS 256

const g4j_backend_ops *g4j_backend(int backend) {
  switch (backend) {
    case G4J_BACKEND_LIBEV: return &g4j__libev_ops;
    case G4J_BACKEND_LIBUV: return &g4j__libuv_ops;
    default: return NULL;
  }
}

/* ---- signal ownership ----------------------------------------------------------------
 * A signal is watched by one loop at a time (libev asserts otherwise, which would take the
 * JVM down), and the handler that was installed before the first watcher (the JVM's, say)
 * is put back when the last watcher of that signal stops: both backends otherwise leave
 * SIG_DFL behind. */
static pthread_mutex_t signal_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  g4j_loop *owner;
  int watchers;
  struct sigaction saved;
} signal_table[NSIG];

static int signal_claim(g4j_loop *loop, int signum) {
  int rc = 0;
  pthread_mutex_lock(&signal_lock);
  if (signal_table[signum].owner && signal_table[signum].owner != loop) {
    rc = -EBUSY;
  } else {
    if (signal_table[signum].watchers == 0 && sigaction(signum, NULL, &signal_table[signum].saved) != 0) {
      rc = -errno;
    } else {
      signal_table[signum].owner = loop;
      signal_table[signum].watchers++;
    }
  }
  pthread_mutex_unlock(&signal_lock);
  return rc;
}

static void signal_release(int signum) {
  pthread_mutex_lock(&signal_lock);
  if (--signal_table[signum].watchers == 0) {
    signal_table[signum].owner = NULL;
    sigaction(signum, &signal_table[signum].saved, NULL);
  }
  pthread_mutex_unlock(&signal_lock);
}

/* ---- loops ------------------------------------------------------------------------- */

/* The lowest free descriptor now: where the search for a backend's own ones starts. */
static int lowest_free_fd(void) {
  int fd = open("/", O_PATH | O_CLOEXEC);
  if (fd < 0) return 0;
  close(fd);
  return fd;
}

/* The wake-up fired: another thread closed a descriptor under one of our watchers. */
static void on_wake(g4j_watcher *w, int revents) { g4j__fd_take_requests(w->loop); }

int g4j_loop_new(int backend, g4j_loop **out) {
  const g4j_backend_ops *ops = g4j_backend(backend);
  if (!ops) return -EINVAL;
  g4j_loop *loop = calloc(1, sizeof *loop);
  if (!loop) return -ENOMEM;
  loop->ops = ops;
  loop->thread = pthread_self();
  loop->events_capacity = G4J_INITIAL_EVENTS;
  loop->events = malloc(sizeof(g4j_event) * G4J_INITIAL_EVENTS);
  if (!loop->events) {
    free(loop);
    return -ENOMEM;
  }
  pthread_mutex_init(&loop->requests_lock, NULL);
  loop->fd_floor = lowest_free_fd();
  int rc = ops->loop_init(loop);
  if (rc < 0) goto fail;
  /* The core's own async watcher: not in the list, never counted, never referenced. libev
   * opens its wake-up descriptor here, at creation, where running out of descriptors is a
   * clean error rather than an abort later. */
  rc = g4j_watcher_new(loop, G4J_ASYNC, -1, &loop->wake);
  if (rc < 0) {
    ops->loop_destroy(loop);
    goto fail;
  }
  loop->watchers = NULL;
  loop->wake->unlisted = 1;
  loop->wake->internal_cb = on_wake;
  loop->wake->referenced = 0;
  rc = g4j_watcher_start(loop->wake);
  if (rc < 0) {
    g4j_watcher_free(loop->wake);
    ops->loop_destroy(loop);
    goto fail;
  }
  loop->own_fd_count = ops->own_fds(loop, loop->own_fds, (int) (sizeof loop->own_fds / sizeof loop->own_fds[0]));
  for (int i = 0; i < loop->own_fd_count; i++) g4j__fd_reserve(loop->own_fds[i], 1);
  *out = loop;
  return 0;
fail:
  pthread_mutex_destroy(&loop->requests_lock);
  free(loop->events);
  free(loop);
  return rc;
}

void g4j_loop_destroy(g4j_loop *loop) {
  for (int i = 0; i < loop->own_fd_count; i++) g4j__fd_reserve(loop->own_fds[i], 0);
  while (loop->watchers) {
    g4j_watcher *w = loop->watchers;
    /* an internal watcher goes with its owner */
    g4j_watcher_free(w->internal_owner ? w->internal_owner : w);
  }
  /* No other thread can ask anything of this loop now (it watches nothing): the closes
   * asked before are released, and the wake-up can go. */
  g4j__fd_take_requests(loop);
  g4j_watcher_free(loop->wake);
  loop->ops->loop_destroy(loop);
  pthread_mutex_destroy(&loop->requests_lock);
  free(loop->spill);
  free(loop->events);
  free(loop);
}

/* Before a poll: the io watchers started since the last one are checked against their
 * descriptors, so that one closed behind gevent4j's back (or closed and reused) fails
 * with G4J_EV_ERROR instead of reaching the backend's epoll_ctl. */
static void check_dirty(g4j_loop *loop) {
  g4j_watcher *w;
  while ((w = loop->dirty) != NULL) {
    loop->dirty = w->u.io.dirty_next;
    if (loop->dirty) loop->dirty->u.io.dirty_prev = NULL;
    w->u.io.dirty = 0;
    w->u.io.dirty_next = w->u.io.dirty_prev = NULL;
    g4j__fd_kill_stale(loop, w);
  }
}

static void dirty_add(g4j_watcher *w) {
  g4j_loop *loop = w->loop;
  if (w->u.io.dirty) return;
  w->u.io.dirty = 1;
  w->u.io.dirty_prev = NULL;
  w->u.io.dirty_next = loop->dirty;
  if (loop->dirty) loop->dirty->u.io.dirty_prev = w;
  loop->dirty = w;
}

static void dirty_remove(g4j_watcher *w) {
  if (!w->u.io.dirty) return;
  if (w->u.io.dirty_prev) w->u.io.dirty_prev->u.io.dirty_next = w->u.io.dirty_next;
  else w->loop->dirty = w->u.io.dirty_next;
  if (w->u.io.dirty_next) w->u.io.dirty_next->u.io.dirty_prev = w->u.io.dirty_prev;
  w->u.io.dirty = 0;
  w->u.io.dirty_next = w->u.io.dirty_prev = NULL;
}

int g4j_loop_run(g4j_loop *loop, int mode) {
  if (mode != G4J_RUN_DEFAULT && mode != G4J_RUN_NOWAIT && mode != G4J_RUN_ONCE) return -EINVAL;
  if (loop->running) return -EBUSY;
  if (loop->broken) return -loop->broken;
  /* What the last run returned has been read; what was emitted since (watchers failed by a
   * close) stays, and makes this run's poll non-blocking: it is already news. */
  if (loop->events_returned) {
    int carried = loop->events_count - loop->events_returned;
    memmove(loop->events, loop->events + loop->events_returned, sizeof(g4j_event) * (size_t) carried);
    loop->events_count = carried;
    loop->events_returned = 0;
  }
  loop->running = 1; /* from here the batch may grow: Java reads it only after this run */
  for (int i = 0; i < loop->spill_count; i++) {
    g4j_watcher spilled = {.loop = loop, .id = loop->spill[i].id};
    g4j__emit(&spilled, loop->spill[i].revents);
  }
  loop->spill_count = 0;
  g4j__fd_take_requests(loop);
  check_dirty(loop);
  if (loop->events_count > 0) mode = G4J_RUN_NOWAIT;
  int rc = loop->ops->run(loop, mode);
  loop->running = 0;
  if (rc < 0) {
    loop->broken = -rc;
    return rc;
  }
  loop->events_returned = loop->events_count;
  if (loop->events_overflow) {
    loop->events_overflow = 0;
    return -ENOMEM;
  }
  return loop->events_count;
}

void g4j_loop_claim(g4j_loop *loop) { __atomic_store_n(&loop->thread, pthread_self(), __ATOMIC_RELEASE); }

/* Only a run in progress is broken. Outside one, libuv's uv_stop would make the *next*
 * uv_run return at once without polling (a RUN_ONCE that waits for nothing), while libev's
 * ev_run clears a break left from before: the backends agree on the latter. */
void g4j_loop_break(g4j_loop *loop) {
  if (loop->running) loop->ops->break_loop(loop);
}

char *g4j_loop_backend_name(g4j_loop *loop, char *buf, int len) {
  snprintf(buf, len, "%s:%s", loop->ops->name, loop->ops->method(loop));
  return buf;
}

void g4j__emit(g4j_watcher *w, int revents) {
  if (w->internal_cb) {
    w->internal_cb(w, revents);
    return;
  }
  g4j_loop *loop = w->loop;
  if (!loop->running && loop->events_count == loop->events_capacity) {
    /* Between runs Java may be reading the batch: it must not move. */
    if (loop->spill_count == loop->spill_capacity) {
      int capacity = loop->spill_capacity ? loop->spill_capacity * 2 : 16;
      g4j_event *grown = realloc(loop->spill, sizeof(g4j_event) * capacity);
      if (!grown) {
        loop->events_overflow = 1;
        return;
      }
      loop->spill = grown;
      loop->spill_capacity = capacity;
    }
    loop->spill[loop->spill_count] = (g4j_event) {w->id, revents};
    loop->spill_count++;
    return;
  }
  if (loop->events_count == loop->events_capacity) {
    int capacity = loop->events_capacity * 2;
    g4j_event *grown = realloc(loop->events, sizeof(g4j_event) * capacity);
    if (!grown) {
      loop->events_overflow = 1;
      return;
    }
    loop->events = grown;
    loop->events_capacity = capacity;
  }
  loop->events[loop->events_count] = (g4j_event) {w->id, revents};
  loop->events_count++;
}

/* ---- watchers ---------------------------------------------------------------------- */

static int counted(g4j_watcher *w) { return w->internal_cb == NULL; }

static void mark_active(g4j_watcher *w) {
  w->active = 1;
  if (counted(w)) {
    w->loop->active_watchers++;
    if (w->referenced) w->loop->referenced_watchers++;
  }
}

void g4j__mark_stopped(g4j_watcher *w) {
  if (!w->active) return;
  w->active = 0;
  if (counted(w)) {
    w->loop->active_watchers--;
    if (w->referenced) w->loop->referenced_watchers--;
  }
  if (w->kind == G4J_IO) {
    g4j__fd_detach(w);
    dirty_remove(w);
  }
}

void g4j__kill_io(g4j_watcher *list) {
  g4j_watcher *next;
  for (g4j_watcher *w = list; w; w = next) {
    next = w->u.io.fd_next;
    w->u.io.fd_next = NULL;
    if (w->active) {
      w->loop->ops->stop(w);
      g4j__mark_stopped(w);
    }
    g4j__emit(w, G4J_EV_ERROR | G4J_EV_READ | G4J_EV_WRITE); /* an internal_cb may free w */
  }
}

int g4j_watcher_new(g4j_loop *loop, int kind, int32_t id, g4j_watcher **out) {
  if (kind <= 0 || kind >= G4J_WATCHER_KINDS) return -EINVAL;
  g4j_watcher *w = calloc(1, sizeof *w);
  if (!w) return -ENOMEM;
  w->loop = loop;
  w->kind = kind;
  w->id = id;
  w->referenced = 1;
  if (kind == G4J_IO) w->u.io.fd = -1; /* u is a union: only for io */
  if (kind == G4J_CHILD) {
    w->u.child.pidfd = -1;
  } else {
    int rc = loop->ops->watcher_init(w);
    if (rc < 0) {
      free(w);
      return rc;
    }
  }
  w->next = loop->watchers;
  if (loop->watchers) loop->watchers->prev = w;
  loop->watchers = w;
  *out = w;
  return 0;
}

static void child_ready(g4j_watcher *io, int revents);

static int child_start(g4j_watcher *w) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  /* Only our own children can be waited for: say so now rather than at exit. */
  if (waitid(P_PID, w->u.child.pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return -errno;
  int pidfd = (int) syscall(SYS_pidfd_open, w->u.child.pid, 0);
  if (pidfd < 0) return -errno;
  fcntl(pidfd, F_SETFD, FD_CLOEXEC);
  g4j_watcher *io;
  int rc = g4j_watcher_new(w->loop, G4J_IO, -1, &io);
  if (rc < 0) {
    close(pidfd);
    return rc;
  }
  io->internal_cb = child_ready;
  io->internal_owner = w;
  io->referenced = w->referenced;
  io->u.io.fd = pidfd;
  io->u.io.events = G4J_EV_READ;
  rc = g4j_watcher_start(io);
  if (rc < 0) {
    g4j_watcher_free(io);
    close(pidfd);
    return rc;
  }
  w->u.child.pidfd = pidfd;
  w->u.child.pidfd_io = io;
  return 0;
}

static void child_stop(g4j_watcher *w) {
  /* The io watcher goes first: its fd must not be closed while it is polled. */
  g4j_watcher_free(w->u.child.pidfd_io);
  w->u.child.pidfd_io = NULL;
  if (w->u.child.pidfd >= 0) close(w->u.child.pidfd);
  w->u.child.pidfd = -1;
}

/* The pidfd became readable: the child exited. Reap exactly that pid. */
static void child_ready(g4j_watcher *io, int revents) {
  g4j_watcher *w = io->internal_owner;
  if (revents & G4J_EV_ERROR) {
    /* The pidfd was closed under us (through g4j_fd_close, which closes it, or behind our
     * back): the exit can no longer be seen. */
    w->u.child.pidfd = -1;
    w->u.child.status = -1;
    g4j_watcher_stop(w);
    g4j__emit(w, G4J_EV_CHILD | G4J_EV_ERROR);
    return;
  }
  int status = 0;
  pid_t r;
  do {
    r = waitpid(w->u.child.pid, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return; /* not yet (a stop or continue): keep watching */
  int fired = G4J_EV_CHILD;
  if (r < 0) {
    status = -1; /* someone else reaped it */
    fired |= G4J_EV_ERROR;
  }
  w->u.child.status = status;
  g4j_watcher_stop(w);
  g4j__emit(w, fired);
}

int g4j_watcher_start(g4j_watcher *w) {
  if (w->active) return 0;
  int rc;
  switch (w->kind) {
    case G4J_IO:
      if (w->u.io.fd < 0) return -EBADF;
      if (w->u.io.events == 0) return -EINVAL;
      rc = g4j__fd_attach(w);
      if (rc < 0) return rc;
      rc = w->loop->ops->start(w);
      if (rc < 0) {
        g4j__fd_detach(w);
        return rc;
      }
      mark_active(w);
      dirty_add(w);
      return 0;
    case G4J_SIGNAL:
      if (w->u.signal.signum <= 0) return -EINVAL;
      rc = signal_claim(w->loop, w->u.signal.signum);
      if (rc < 0) return rc;
      rc = w->loop->ops->start(w);
      if (rc < 0) {
        signal_release(w->u.signal.signum);
        return rc;
      }
      mark_active(w);
      return 0;
    case G4J_CHILD:
      if (w->u.child.pid <= 0) return -EINVAL;
      rc = child_start(w);
      if (rc < 0) return rc;
      mark_active(w);
      return 0;
    case G4J_STAT:
      if (!w->u.stat.path) return -EINVAL;
      break;
    default:
      break;
  }
  rc = w->loop->ops->start(w);
  if (rc < 0) return rc;
  mark_active(w);
  return 0;
}

void g4j_watcher_stop(g4j_watcher *w) {
  if (!w->active) return;
  if (w->kind == G4J_CHILD) {
    child_stop(w);
  } else {
    w->loop->ops->stop(w);
    if (w->kind == G4J_SIGNAL) signal_release(w->u.signal.signum);
  }
  g4j__mark_stopped(w);
}

void g4j_watcher_free(g4j_watcher *w) {
  g4j_loop *loop = w->loop;
  g4j_watcher_stop(w);
  if (w->kind != G4J_CHILD) loop->ops->watcher_destroy(w);
  if (w->kind == G4J_STAT) free(w->u.stat.path);
  if (!w->unlisted) {
    if (w->prev) w->prev->next = w->next;
    else loop->watchers = w->next;
    if (w->next) w->next->prev = w->prev;
  }
  free(w);
}

void g4j_watcher_set_ref(g4j_watcher *w, int referenced) {
  referenced = referenced != 0;
  if (w->referenced == referenced) return;
  if (w->active && counted(w)) w->loop->referenced_watchers += referenced ? 1 : -1;
  w->referenced = referenced;
  if (w->kind == G4J_CHILD) {
    if (w->u.child.pidfd_io) {
      w->u.child.pidfd_io->referenced = referenced;
      w->loop->ops->set_ref(w->u.child.pidfd_io, referenced);
    }
  } else {
    w->loop->ops->set_ref(w, referenced);
  }
}

/* Parameters: a watcher that is running restarts with the new ones where that makes
 * sense (io, timer); the others must be stopped first. */
static int restart(g4j_watcher *w, int was_active) {
  return was_active ? g4j_watcher_start(w) : 0;
}

int g4j_io_set(g4j_watcher *w, int fd, int events) {
  if (w->kind != G4J_IO) return -EINVAL;
  if (fd < 0) return -EBADF;
  if (events & ~(G4J_EV_READ | G4J_EV_WRITE)) return -EINVAL;
  int was_active = w->active;
  g4j_watcher_stop(w);
  w->u.io.fd = fd;
  w->u.io.events = events;
  return restart(w, was_active);
}

int g4j_timer_set(g4j_watcher *w, double after, double repeat) {
  if (w->kind != G4J_TIMER) return -EINVAL;
  if (!(after >= 0) || !(repeat >= 0) || isinf(repeat)) return -EINVAL;
  int was_active = w->active;
  g4j_watcher_stop(w);
  w->u.timer.after = after;
  w->u.timer.repeat = repeat;
  return restart(w, was_active);
}

/* libev's ev_timer_again, evened out: a repeating timer (re)starts with its repeat
 * value, a one-shot one stops. */
int g4j_timer_again(g4j_watcher *w) {
  if (w->kind != G4J_TIMER) return -EINVAL;
  g4j_watcher_stop(w);
  if (w->u.timer.repeat <= 0) return 0;
  double after = w->u.timer.after;
  w->u.timer.after = w->u.timer.repeat;
  int rc = g4j_watcher_start(w);
  w->u.timer.after = after;
  return rc;
}

int g4j_signal_set(g4j_watcher *w, int signum) {
  if (w->kind != G4J_SIGNAL) return -EINVAL;
  if (signum <= 0 || signum >= NSIG) return -EINVAL;
  if (w->active) return -EBUSY;
  w->u.signal.signum = signum;
  return 0;
}

int g4j_child_set(g4j_watcher *w, int pid) {
  if (w->kind != G4J_CHILD) return -EINVAL;
  if (pid <= 0) return -EINVAL;
  if (w->active) return -EBUSY;
  w->u.child.pid = pid;
  w->u.child.status = 0;
  return 0;
}

int g4j_stat_set(g4j_watcher *w, const char *path, double interval) {
  if (w->kind != G4J_STAT) return -EINVAL;
  if (!(interval >= 0) || isinf(interval)) return -EINVAL;
  if (w->active) return -EBUSY;
  char *copy = strdup(path);
  if (!copy) return -ENOMEM;
  free(w->u.stat.path);
  w->u.stat.path = copy;
  w->u.stat.interval = interval;
  return 0;
}

int g4j_async_send(g4j_watcher *w) {
  if (w->kind != G4J_ASYNC) return -EINVAL;
  return w->loop->ops->async_send(w);
}
