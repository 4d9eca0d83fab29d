/*
 * The libev backend of the loop layer (see g4j_loop.h for the contract).
 *
 * libev keeps one reference count per loop, not per watcher, so an unreferenced watcher
 * is ev_unref'd after it starts and ev_ref'd before it stops, including when libev stops
 * it by itself (a one-shot timer that fired, an io watcher on a bad fd).
 *
 * libev calls abort() on a failed system call unless a syserr callback is installed, and
 * where it retries (creating its wake-up pipe) it retries for as long as the callback
 * returns. Ours records errno and, where the core guards the call (starting an async or
 * signal watcher, a run), jumps back out of libev: the call fails with -errno, and a run
 * that failed leaves the loop broken (the core refuses further runs) rather than half-done.
 */
#include "g4j_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <ev.h>

typedef union {
  ev_watcher any;
  ev_io io;
  ev_timer timer;
  ev_signal signal;
  ev_async async;
  ev_idle idle;
  ev_prepare prepare;
  ev_check check;
  ev_stat stat;
  ev_fork fork;
} libev_handle;

#define LOOP(l) ((struct ev_loop *) (l)->backend)
#define HANDLE(w) ((libev_handle *) (w)->backend)

/* ---- system errors ---------------------------------------------------------------- */

static __thread jmp_buf *syserr_escape;
static __thread int syserr_errno;
static pthread_once_t syserr_once = PTHREAD_ONCE_INIT;

static void on_syserr(const char *msg) {
  syserr_errno = errno ? errno : EIO;
  if (syserr_escape) longjmp(*syserr_escape, 1);
}

static void install_syserr(void) { ev_set_syserr_cb(on_syserr); }

static int libev_loop_init(g4j_loop *loop) {
  pthread_once(&syserr_once, install_syserr);
  errno = 0;
  /* EVFLAG_NOENV: LIBEV_FLAGS in the environment must not change what Java asked for. */
  struct ev_loop *ev = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOENV);
  if (!ev) return errno ? -errno : -ENOMEM; /* epoll_create failed: EMFILE, ENFILE, ENOMEM */
  loop->backend = ev;
  return 0;
}

/* ---- the loop's own descriptors -------------------------------------------------------
 * libev does not say which descriptors a loop opened (its epoll set, the eventfd behind its
 * async watchers), yet closing or watching one of them must be refused: libev would assert
 * at its next epoll_ctl. They are found in the kernel's view of the loop's epoll set: a
 * probe pipe is registered, and the epoll descriptor whose /proc/self/fdinfo lists that
 * pipe (by number and inode) is the loop's; the others it lists are libev's own. The search
 * starts at the lowest descriptor that was free before the loop was made. Without /proc
 * nothing is found, and nothing is reserved. */

static int is_epoll(int fd) {
  char path[64], target[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(path, target, sizeof target - 1);
  if (n <= 0) return 0;
  target[n] = 0;
  return strcmp(target, "anon_inode:[eventpoll]") == 0;
}

/* The descriptors registered in epoll fd epfd (tfd lines of its fdinfo); whether probe
 * (with inode ino) is among them. */
static int registered(int epfd, int probe, unsigned long long ino, int *fds, int max, int *n) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", epfd);
  int f = open(path, O_RDONLY | O_CLOEXEC);
  if (f < 0) return 0;
  ssize_t len = read(f, buf, sizeof buf - 1);
  close(f);
  if (len <= 0) return 0;
  buf[len] = 0;
  int found = 0;
  *n = 0;
  for (char *line = strstr(buf, "tfd:"); line; line = strstr(line + 4, "tfd:")) {
    int tfd;
    unsigned long long tino = 0;
    if (sscanf(line, "tfd: %d", &tfd) != 1) continue;
    char *ino_field = strstr(line, "ino:");
    char *end = strchr(line, '\n');
    if (ino_field && (!end || ino_field < end)) sscanf(ino_field, "ino:%llx", &tino);
    if (tfd == probe && tino == ino) found = 1;
    else if (*n < max) fds[(*n)++] = tfd;
  }
  return found;
}

static void on_probe(struct ev_loop *ev, ev_io *h, int revents) {}

static int libev_own_fds(g4j_loop *loop, int *fds, int max) {
  struct ev_loop *ev = LOOP(loop);
  int p[2];
  struct stat st;
  if (pipe2(p, O_CLOEXEC) != 0) return 0;
  if (fstat(p[0], &st) != 0) {
    close(p[0]);
    close(p[1]);
    return 0;
  }
  ev_io probe;
  ev_io_init(&probe, on_probe, p[0], EV_READ);
  ev_io_start(ev, &probe);
  ev_run(ev, EVRUN_NOWAIT); /* registers the probe (and the wake-up) with epoll */
  int count = 0;
  int last = (p[1] > p[0] ? p[1] : p[0]) + 64;
  for (int fd = loop->fd_floor; fd <= last && count == 0 && max > 1; fd++) {
    if (fd == p[0] || fd == p[1] || !is_epoll(fd)) continue;
    int others = 0;
    if (registered(fd, p[0], (unsigned long long) st.st_ino, fds + 1, max - 1, &others)) {
      fds[0] = fd;
      count = 1 + others;
    }
  }
  ev_io_stop(ev, &probe);
  close(p[0]);
  close(p[1]);
  return count;
}

static void libev_loop_destroy(g4j_loop *loop) { ev_loop_destroy(LOOP(loop)); }

static const char *libev_method(g4j_loop *loop) {
  switch (ev_backend(LOOP(loop))) {
    case EVBACKEND_EPOLL: return "epoll";
    case EVBACKEND_POLL: return "poll";
    case EVBACKEND_SELECT: return "select";
#ifdef EVBACKEND_LINUXAIO
    case EVBACKEND_LINUXAIO: return "linuxaio";
#endif
#ifdef EVBACKEND_IOURING
    case EVBACKEND_IOURING: return "io_uring";
#endif
    default: return "unknown";
  }
}

/* setjmp's frame: nothing in it changes between the setjmp and a longjmp. */
static int run_guarded(struct ev_loop *ev, int flags) {
  jmp_buf escape;
  if (setjmp(escape)) {
    syserr_escape = NULL;
    return -syserr_errno; /* epoll_wait or epoll_create failed: the loop is unusable */
  }
  syserr_escape = &escape;
  ev_run(ev, flags);
  syserr_escape = NULL;
  return 0;
}

static int libev_run(g4j_loop *loop, int mode) {
  return run_guarded(LOOP(loop), mode == G4J_RUN_NOWAIT ? EVRUN_NOWAIT : mode == G4J_RUN_ONCE ? EVRUN_ONCE : 0);
}

/* ev_async_start and ev_signal_start open the loop's wake-up pipe on first use, and libev
 * retries that for as long as the syserr callback returns: out of descriptors, it would
 * never return. */
static int start_guarded(struct ev_loop *ev, g4j_watcher *w) {
  jmp_buf escape;
  if (setjmp(escape)) {
    syserr_escape = NULL;
    return -syserr_errno;
  }
  syserr_escape = &escape;
  if (w->kind == G4J_ASYNC) {
    ev_async_start(ev, &HANDLE(w)->async);
  } else {
    ev_signal_set(&HANDLE(w)->signal, w->u.signal.signum);
    ev_signal_start(ev, &HANDLE(w)->signal);
  }
  syserr_escape = NULL;
  return 0;
}

static double libev_now(g4j_loop *loop) { return ev_now(LOOP(loop)); }
static void libev_update_now(g4j_loop *loop) { ev_now_update(LOOP(loop)); }
static void libev_break(g4j_loop *loop) { ev_break(LOOP(loop), EVBREAK_ALL); }
static int libev_pending_count(g4j_loop *loop) { return (int) ev_pending_count(LOOP(loop)); }

/* libev stopped w by itself: keep the loop's reference count right. */
static void stopped_by_libev(g4j_watcher *w) {
  if (!w->referenced) ev_ref(LOOP(w->loop));
  g4j__mark_stopped(w);
}

static void on_io(struct ev_loop *ev, ev_io *h, int revents) {
  g4j_watcher *w = h->data;
  if (!ev_is_active(h)) stopped_by_libev(w); /* fd_kill: EBADF or the like */
  g4j__emit(w, revents & (G4J_EV_READ | G4J_EV_WRITE | G4J_EV_ERROR));
}

static void on_timer(struct ev_loop *ev, ev_timer *h, int revents) {
  g4j_watcher *w = h->data;
  if (!ev_is_active(h)) stopped_by_libev(w);
  g4j__emit(w, G4J_EV_TIMER);
}

#define SIMPLE_CB(kind, type, bit) \
  static void on_##kind(struct ev_loop *ev, type *h, int revents) { g4j__emit(h->data, bit); }
SIMPLE_CB(signal, ev_signal, G4J_EV_SIGNAL)
SIMPLE_CB(async, ev_async, G4J_EV_ASYNC)
SIMPLE_CB(idle, ev_idle, G4J_EV_IDLE)
SIMPLE_CB(prepare, ev_prepare, G4J_EV_PREPARE)
SIMPLE_CB(check, ev_check, G4J_EV_CHECK)
SIMPLE_CB(stat, ev_stat, G4J_EV_STAT)
SIMPLE_CB(fork, ev_fork, G4J_EV_FORK)

static int libev_watcher_init(g4j_watcher *w) {
  libev_handle *h = calloc(1, sizeof *h);
  if (!h) return -ENOMEM;
  switch (w->kind) {
    case G4J_IO: ev_init(&h->io, on_io); break;
    case G4J_TIMER: ev_init(&h->timer, on_timer); break;
    case G4J_SIGNAL: ev_init(&h->signal, on_signal); break;
    case G4J_ASYNC: ev_async_init(&h->async, on_async); break;
    case G4J_IDLE: ev_idle_init(&h->idle, on_idle); break;
    case G4J_PREPARE: ev_prepare_init(&h->prepare, on_prepare); break;
    case G4J_CHECK: ev_check_init(&h->check, on_check); break;
    case G4J_STAT: ev_init(&h->stat, on_stat); break;
    case G4J_FORK: ev_fork_init(&h->fork, on_fork); break;
    default:
      free(h);
      return -ENOTSUP;
  }
  h->any.data = w;
  w->backend = h;
  return 0;
}

static int libev_start(g4j_watcher *w) {
  struct ev_loop *ev = LOOP(w->loop);
  libev_handle *h = HANDLE(w);
  switch (w->kind) {
    case G4J_IO:
      ev_io_set(&h->io, w->u.io.fd, w->u.io.events);
      ev_io_start(ev, &h->io);
      break;
    case G4J_TIMER:
      ev_timer_set(&h->timer, w->u.timer.after, w->u.timer.repeat);
      ev_timer_start(ev, &h->timer);
      break;
    case G4J_SIGNAL:
    case G4J_ASYNC: {
      int rc = start_guarded(ev, w);
      if (rc < 0) return rc;
      break;
    }
    case G4J_IDLE: ev_idle_start(ev, &h->idle); break;
    case G4J_PREPARE: ev_prepare_start(ev, &h->prepare); break;
    case G4J_CHECK: ev_check_start(ev, &h->check); break;
    case G4J_STAT:
      ev_stat_set(&h->stat, w->u.stat.path, w->u.stat.interval);
      ev_stat_start(ev, &h->stat);
      break;
    case G4J_FORK: ev_fork_start(ev, &h->fork); break;
    default: return -ENOTSUP;
  }
  if (!w->referenced) ev_unref(ev);
  return 0;
}

static void libev_stop(g4j_watcher *w) {
  struct ev_loop *ev = LOOP(w->loop);
  libev_handle *h = HANDLE(w);
  if (!w->referenced) ev_ref(ev);
  switch (w->kind) {
    case G4J_IO: ev_io_stop(ev, &h->io); break;
    case G4J_TIMER: ev_timer_stop(ev, &h->timer); break;
    case G4J_SIGNAL: ev_signal_stop(ev, &h->signal); break;
    case G4J_ASYNC: ev_async_stop(ev, &h->async); break;
    case G4J_IDLE: ev_idle_stop(ev, &h->idle); break;
    case G4J_PREPARE: ev_prepare_stop(ev, &h->prepare); break;
    case G4J_CHECK: ev_check_stop(ev, &h->check); break;
    case G4J_STAT: ev_stat_stop(ev, &h->stat); break;
    case G4J_FORK: ev_fork_stop(ev, &h->fork); break;
    default: break;
  }
}

static void libev_watcher_destroy(g4j_watcher *w) {
  free(w->backend);
  w->backend = NULL;
}

static void libev_set_ref(g4j_watcher *w, int referenced) {
  if (!w->active) return;
  if (referenced) ev_ref(LOOP(w->loop));
  else ev_unref(LOOP(w->loop));
}

static int libev_async_send(g4j_watcher *w) {
  ev_async_send(LOOP(w->loop), &HANDLE(w)->async);
  return 0;
}

static const char *libev_version(void) {
  static char version[16];
  snprintf(version, sizeof version, "%d.%d", ev_version_major(), ev_version_minor());
  return version;
}

#define STR2(x) #x
#define STR(x) STR2(x)
static const char *libev_build_version(void) { return STR(EV_VERSION_MAJOR) "." STR(EV_VERSION_MINOR); }

const g4j_backend_ops g4j__libev_ops = {
  .name = "libev",
  .loop_init = libev_loop_init,
  .loop_destroy = libev_loop_destroy,
  .method = libev_method,
  .run = libev_run,
  .now = libev_now,
  .update_now = libev_update_now,
  .break_loop = libev_break,
  .pending_count = libev_pending_count,
  .watcher_init = libev_watcher_init,
  .start = libev_start,
  .stop = libev_stop,
  .watcher_destroy = libev_watcher_destroy,
  .set_ref = libev_set_ref,
  .async_send = libev_async_send,
  .own_fds = libev_own_fds,
  .version = libev_version,
  .build_version = libev_build_version,
};
