/*
 * The libuv backend of the loop layer (see g4j_loop.h for the contract).
 *
 * Where libuv differs from libev, it is evened out here:
 *  - libuv allows one uv_poll_t per fd, so the io watchers of one fd share a poll entry
 *    whose event mask is the union of theirs;
 *  - handles are freed in their close callbacks, never before; uv_close is only called
 *    once per handle (libuv asserts on a second close, which would kill the JVM);
 *  - an async handle is active from init on, so it is unref'd while its watcher is
 *    stopped and its events are dropped then;
 *  - uv_poll_init's O_NONBLOCK is undone, and a POLLERR is readiness (handle re-armed), as
 *    with libev;
 *  - timer values are rounded up to whole milliseconds and saturate;
 *  - libuv has no fork watcher: ENOTSUP;
 *  - libuv aborts when a system call it cannot do without fails: at its first loop (a
 *    process-wide pipe), in its poll (epoll_ctl on a dead fd, epoll_wait on a closed epoll
 *    set) and in uv_async_send (a closed eventfd). The core keeps dead fds away from the
 *    poll; here the first loop is made only when descriptors are left, and the loop's own
 *    descriptors, and the process-wide pipe, are reported so that nobody closes them.
 */
#include "g4j_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

typedef struct io_entry {
  uv_poll_t poll;             /* first: the close callback frees the entry through it */
  int fd;
  int events;                 /* the mask the poll handle runs with */
  g4j_watcher *watchers;      /* linked through w->u.io.poll_next */
} io_entry;

typedef struct {
  uv_loop_t uv;
  io_entry **fds;             /* poll entries by fd */
  int fds_size;
  int mode;                   /* of the run under way */
} libuv_loop;

#define LOOP(l) ((libuv_loop *) (l)->backend)
#define UV(l) (&LOOP(l)->uv)

static void free_on_close(uv_handle_t *h) { free(h); }

/* Seconds to libuv's milliseconds, rounded up: a timer must never fire before its time,
 * and a positive repeat must not become 0, which libuv takes for "one-shot" (the core
 * would then count a stopped timer as active forever). Past uint64's range the value
 * saturates: converting it is undefined, and gcc's code gives 0, i.e. fire at once. */
static uint64_t millis(double seconds) {
  if (!(seconds > 0)) return 0;
  double ms = ceil(seconds * 1000.0 - 1e-9);
  if (ms < 1) return 1;
  if (ms >= 18446744073709551616.0) return UINT64_MAX;
  return (uint64_t) ms;
}

/* ---- process-wide set-up ----------------------------------------------------------------
 * The first uv_loop_init of a process opens libuv's signal lock pipe and abort()s when it
 * cannot. It runs here once, on a throwaway loop, after checking that descriptors are left
 * (a check, not a guarantee: another thread may take the last ones in between). The pipe is
 * then found and reserved: closing it would make libuv abort at its next signal watcher. It
 * is the pair of pipe ends made meanwhile whose read end holds one byte (libuv's token). */

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static int global_ready;

static int pipe_inode(int fd, char *out, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(path, out, size - 1);
  if (n <= 0) return 0;
  out[n] = 0;
  return strncmp(out, "pipe:[", 6) == 0;
}

static void reserve_signal_lock_pipe(int floor) {
  char a[64], b[64];
  for (int r = floor; r < floor + 64; r++) {
    int queued = 0;
    if (!pipe_inode(r, a, sizeof a) || ioctl(r, FIONREAD, &queued) != 0 || queued != 1) continue;
    for (int w = floor; w < floor + 64; w++) {
      if (w != r && pipe_inode(w, b, sizeof b) && strcmp(a, b) == 0) {
        g4j__fd_reserve(r, 1);
        g4j__fd_reserve(w, 1);
        return;
      }
    }
  }
}

static int global_init(void) {
  pthread_mutex_lock(&global_lock);
  int rc = 0;
  if (!global_ready) {
    enum { NEEDED = 6 }; /* the lock pipe, and the first loop's epoll, eventfd and signal pipe */
    int probe[NEEDED], made = 0, floor = -1;
    for (; made < NEEDED; made++) {
      probe[made] = eventfd(0, EFD_CLOEXEC);
      if (probe[made] < 0) {
        rc = -errno;
        break;
      }
      if (floor < 0 || probe[made] < floor) floor = probe[made];
    }
    while (made > 0) close(probe[--made]);
    uv_loop_t first;
    if (rc == 0) rc = uv_loop_init(&first);
    if (rc == 0) {
      uv_loop_close(&first);
      reserve_signal_lock_pipe(floor);
      global_ready = 1;
    }
  }
  pthread_mutex_unlock(&global_lock);
  return rc;
}

static int libuv_loop_init(g4j_loop *loop) {
  int rc = global_init();
  if (rc < 0) return rc;
  libuv_loop *l = calloc(1, sizeof *l);
  if (!l) return -ENOMEM;
  rc = uv_loop_init(&l->uv);
  if (rc < 0) {
    free(l);
    return rc; /* libuv error codes are -errno on unix */
  }
  l->uv.data = loop;
  loop->backend = l;
  return 0;
}

static void close_leftover(uv_handle_t *h, void *arg) {
  if (!uv_is_closing(h)) uv_close(h, free_on_close);
}

static void libuv_loop_destroy(g4j_loop *loop) {
  libuv_loop *l = LOOP(loop);
  /* Let every close callback run, then close; UV_EBUSY means some are still pending. */
  while (uv_loop_close(&l->uv) == UV_EBUSY) {
    uv_walk(&l->uv, close_leftover, NULL);
    uv_run(&l->uv, UV_RUN_NOWAIT);
  }
  free(l->fds);
  free(l);
}

static const char *libuv_method(g4j_loop *loop) {
#if defined(__linux__)
  return "epoll";
#elif defined(__APPLE__) || defined(__FreeBSD__)
  return "kqueue";
#else
  return "poll";
#endif
}

static int libuv_run(g4j_loop *loop, int mode) {
  uv_run_mode m = mode == G4J_RUN_NOWAIT ? UV_RUN_NOWAIT : mode == G4J_RUN_ONCE ? UV_RUN_ONCE : UV_RUN_DEFAULT;
  LOOP(loop)->mode = mode;
  uv_run(UV(loop), m);
  return 0;
}

static double libuv_now(g4j_loop *loop) { return (double) uv_now(UV(loop)) / 1000.0; }
static void libuv_update_now(g4j_loop *loop) { uv_update_time(UV(loop)); }
static void libuv_break(g4j_loop *loop) { uv_stop(UV(loop)); }
static int libuv_pending_count(g4j_loop *loop) { return 0; /* libuv runs callbacks as it polls */ }

/* ---- io: one poll entry per fd -------------------------------------------------------- */

static void on_poll(uv_poll_t *h, int status, int uv_events);

static int uv_mask(int events) {
  return ((events & G4J_EV_READ) ? UV_READABLE : 0) | ((events & G4J_EV_WRITE) ? UV_WRITABLE : 0);
}

static io_entry *entry_for(g4j_loop *loop, int fd, int *rc) {
  libuv_loop *l = LOOP(loop);
  if (fd >= l->fds_size) {
    int size = l->fds_size ? l->fds_size : 64;
    while (size <= fd) size *= 2;
    io_entry **grown = realloc(l->fds, sizeof(io_entry *) * size);
    if (!grown) {
      *rc = -ENOMEM;
      return NULL;
    }
    memset(grown + l->fds_size, 0, sizeof(io_entry *) * (size - l->fds_size));
    l->fds = grown;
    l->fds_size = size;
  }
  if (l->fds[fd]) return l->fds[fd];
  io_entry *e = calloc(1, sizeof *e);
  if (!e) {
    *rc = -ENOMEM;
    return NULL;
  }
  /* uv_poll_init sets O_NONBLOCK, which libev does not and a poll handle does not need:
   * put the flags back, or a blocking fd the JVM reads from (stdin, a subprocess pipe)
   * starts failing with EAGAIN because someone waited for it on a libuv loop. */
  int flags = fcntl(fd, F_GETFL);
  *rc = uv_poll_init(&l->uv, &e->poll, fd);
  if (flags >= 0 && !(flags & O_NONBLOCK)) fcntl(fd, F_SETFL, flags);
  if (*rc < 0) {
    free(e);
    return NULL;
  }
  e->fd = fd;
  e->poll.data = e;
  l->fds[fd] = e;
  return e;
}

/* Re-arm the entry's poll handle with the union of its watchers, or close it. */
static int entry_update(g4j_loop *loop, io_entry *e) {
  int events = 0, referenced = 0;
  for (g4j_watcher *w = e->watchers; w; w = w->u.io.poll_next) {
    events |= w->u.io.events;
    referenced |= w->referenced;
  }
  if (events == 0) {
    LOOP(loop)->fds[e->fd] = NULL;
    uv_close((uv_handle_t *) &e->poll, free_on_close);
    return 0;
  }
  if (events != e->events) {
    int rc = uv_poll_start(&e->poll, uv_mask(events), on_poll);
    if (rc < 0) return rc;
    e->events = events;
  }
  if (referenced) uv_ref((uv_handle_t *) &e->poll);
  else uv_unref((uv_handle_t *) &e->poll);
  return 0;
}

static void entry_remove(g4j_watcher *w) {
  io_entry *e = w->backend;
  for (g4j_watcher **p = &e->watchers; *p; p = &(*p)->u.io.poll_next) {
    if (*p == w) {
      *p = w->u.io.poll_next;
      break;
    }
  }
  w->u.io.poll_next = NULL;
  w->backend = NULL;
  entry_update(w->loop, e);
}

static void on_poll(uv_poll_t *h, int status, int uv_events) {
  io_entry *e = h->data;
  int revents;
  if (status < 0 && fcntl(e->fd, F_GETFD) >= 0 &&
      uv_poll_start(&e->poll, uv_mask(e->events), on_poll) == 0) {
    /* libuv turns POLLERR (a socket error, a pipe without its reader) into UV_EBADF and
     * stops the handle. libev reports it as readiness and keeps polling, so that the next
     * read or write returns the error: do the same, the handle re-armed. Only a fd that is
     * really gone stops its watchers with EV_ERROR, as libev's fd_kill does. */
    status = 0;
    revents = G4J_EV_READ | G4J_EV_WRITE;
  } else if (status < 0) {
    revents = G4J_EV_ERROR | G4J_EV_READ | G4J_EV_WRITE;
  } else {
    revents = ((uv_events & (UV_READABLE | UV_DISCONNECT)) ? G4J_EV_READ : 0) |
              ((uv_events & UV_WRITABLE) ? G4J_EV_WRITE : 0);
  }
  g4j_watcher *next;
  for (g4j_watcher *w = e->watchers; w; w = next) {
    next = w->u.io.poll_next;
    int fired = revents & (w->u.io.events | G4J_EV_ERROR);
    if (!fired) continue;
    if (status < 0) g4j_watcher_stop(w); /* as libev does on a bad fd */
    g4j__emit(w, fired);
  }
}

/* ---- other watchers ------------------------------------------------------------------ */

static void on_timer(uv_timer_t *h) {
  g4j_watcher *w = h->data;
  if (!w) return;
  if (w->u.timer.repeat <= 0) g4j__mark_stopped(w); /* libuv stopped it */
  g4j__emit(w, G4J_EV_TIMER);
  /* uv_run(UV_RUN_ONCE) runs due timers before it polls, then polls as if nothing had
   * happened: with any other handle referenced it would block with this event in the batch.
   * libev runs timers after its poll, whose timeout already accounts for them. Asking
   * libuv to stop makes that poll non-blocking; the iteration still completes. */
  if (LOOP(w->loop)->mode == G4J_RUN_ONCE) uv_stop(h->loop);
}

static void on_signal(uv_signal_t *h, int signum) { if (h->data) g4j__emit(h->data, G4J_EV_SIGNAL); }
static void on_idle(uv_idle_t *h) { if (h->data) g4j__emit(h->data, G4J_EV_IDLE); }
static void on_prepare(uv_prepare_t *h) { if (h->data) g4j__emit(h->data, G4J_EV_PREPARE); }
static void on_check(uv_check_t *h) { if (h->data) g4j__emit(h->data, G4J_EV_CHECK); }

static void on_async(uv_async_t *h) {
  g4j_watcher *w = h->data;
  if (w && w->active) g4j__emit(w, G4J_EV_ASYNC);
}

static void on_stat(uv_fs_poll_t *h, int status, const uv_stat_t *prev, const uv_stat_t *curr) {
  if (h->data) g4j__emit(h->data, G4J_EV_STAT);
}

static int libuv_watcher_init(g4j_watcher *w) {
  uv_loop_t *uv = UV(w->loop);
  uv_handle_t *h;
  int rc;
  switch (w->kind) {
    case G4J_IO:
      w->backend = NULL; /* the poll entry, while started */
      return 0;
    case G4J_TIMER: h = malloc(sizeof(uv_timer_t)); rc = h ? uv_timer_init(uv, (uv_timer_t *) h) : -ENOMEM; break;
    case G4J_SIGNAL: h = malloc(sizeof(uv_signal_t)); rc = h ? uv_signal_init(uv, (uv_signal_t *) h) : -ENOMEM; break;
    case G4J_ASYNC:
      h = malloc(sizeof(uv_async_t));
      rc = h ? uv_async_init(uv, (uv_async_t *) h, on_async) : -ENOMEM;
      if (rc == 0) uv_unref(h); /* until started */
      break;
    case G4J_IDLE: h = malloc(sizeof(uv_idle_t)); rc = h ? uv_idle_init(uv, (uv_idle_t *) h) : -ENOMEM; break;
    case G4J_PREPARE: h = malloc(sizeof(uv_prepare_t)); rc = h ? uv_prepare_init(uv, (uv_prepare_t *) h) : -ENOMEM; break;
    case G4J_CHECK: h = malloc(sizeof(uv_check_t)); rc = h ? uv_check_init(uv, (uv_check_t *) h) : -ENOMEM; break;
    case G4J_STAT: h = malloc(sizeof(uv_fs_poll_t)); rc = h ? uv_fs_poll_init(uv, (uv_fs_poll_t *) h) : -ENOMEM; break;
    default: return -ENOTSUP; /* G4J_FORK: libuv has no fork watcher */
  }
  if (rc < 0) {
    free(h);
    return rc;
  }
  h->data = w;
  w->backend = h;
  return 0;
}

static void apply_ref(g4j_watcher *w) {
  if (w->referenced) uv_ref(w->backend);
  else uv_unref(w->backend);
}

static int libuv_start(g4j_watcher *w) {
  int rc;
  switch (w->kind) {
    case G4J_IO: {
      io_entry *e = entry_for(w->loop, w->u.io.fd, &rc);
      if (!e) return rc;
      w->u.io.poll_next = e->watchers;
      e->watchers = w;
      w->backend = e;
      rc = entry_update(w->loop, e);
      if (rc < 0) entry_remove(w);
      return rc;
    }
    case G4J_TIMER:
      rc = uv_timer_start(w->backend, on_timer, millis(w->u.timer.after), millis(w->u.timer.repeat));
      break;
    case G4J_SIGNAL: rc = uv_signal_start(w->backend, on_signal, w->u.signal.signum); break;
    case G4J_ASYNC: rc = 0; break;
    case G4J_IDLE: rc = uv_idle_start(w->backend, on_idle); break;
    case G4J_PREPARE: rc = uv_prepare_start(w->backend, on_prepare); break;
    case G4J_CHECK: rc = uv_check_start(w->backend, on_check); break;
    case G4J_STAT: {
      uint64_t interval = w->u.stat.interval > 0 ? millis(w->u.stat.interval) : 5000;
      rc = uv_fs_poll_start(w->backend, on_stat, w->u.stat.path, (unsigned int) (interval < UINT_MAX ? interval : UINT_MAX));
      break;
    }
    default: return -ENOTSUP;
  }
  if (rc == 0) apply_ref(w);
  return rc;
}

static void libuv_stop(g4j_watcher *w) {
  switch (w->kind) {
    case G4J_IO: entry_remove(w); break;
    case G4J_TIMER: uv_timer_stop(w->backend); break;
    case G4J_SIGNAL: uv_signal_stop(w->backend); break;
    case G4J_ASYNC: uv_unref(w->backend); break;
    case G4J_IDLE: uv_idle_stop(w->backend); break;
    case G4J_PREPARE: uv_prepare_stop(w->backend); break;
    case G4J_CHECK: uv_check_stop(w->backend); break;
    case G4J_STAT: uv_fs_poll_stop(w->backend); break;
    default: break;
  }
}

static void libuv_watcher_destroy(g4j_watcher *w) {
  if (w->kind == G4J_IO || !w->backend) return;
  uv_handle_t *h = w->backend;
  h->data = NULL;
  uv_close(h, free_on_close);
  w->backend = NULL;
}

static void libuv_set_ref(g4j_watcher *w, int referenced) {
  if (w->kind == G4J_IO) {
    if (w->backend) entry_update(w->loop, w->backend);
  } else if (w->kind != G4J_ASYNC || w->active) {
    apply_ref(w);
  }
}

static int libuv_async_send(g4j_watcher *w) { return uv_async_send(w->backend); }

/* The epoll set, the eventfd behind async handles (made by the core's wake-up) and the
 * signal pipe of the loop's internal child watcher. */
static int libuv_own_fds(g4j_loop *loop, int *fds, int max) {
  uv_loop_t *uv = UV(loop);
  int candidates[] = {uv_backend_fd(uv), uv->async_io_watcher.fd, uv->async_wfd, uv->signal_pipefd[0],
                      uv->signal_pipefd[1]};
  int n = 0;
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
    int fd = candidates[i], seen = fd < 0;
    for (int j = 0; j < n && !seen; j++) seen = fds[j] == fd;
    if (!seen && n < max) fds[n++] = fd;
  }
  return n;
}

static const char *libuv_version(void) { return uv_version_string(); }

#define STR2(x) #x
#define STR(x) STR2(x)
static const char *libuv_build_version(void) {
  return STR(UV_VERSION_MAJOR) "." STR(UV_VERSION_MINOR) "." STR(UV_VERSION_PATCH);
}

const g4j_backend_ops g4j__libuv_ops = {
  .name = "libuv",
  .loop_init = libuv_loop_init,
  .loop_destroy = libuv_loop_destroy,
  .method = libuv_method,
  .run = libuv_run,
  .now = libuv_now,
  .update_now = libuv_update_now,
  .break_loop = libuv_break,
  .pending_count = libuv_pending_count,
  .watcher_init = libuv_watcher_init,
  .start = libuv_start,
  .stop = libuv_stop,
  .watcher_destroy = libuv_watcher_destroy,
  .set_ref = libuv_set_ref,
  .async_send = libuv_async_send,
  .own_fds = libuv_own_fds,
  .version = libuv_version,
  .build_version = libuv_build_version,
};
