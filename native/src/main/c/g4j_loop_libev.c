/*
 * The libev backend of the loop layer (see g4j_loop.h for the contract).
 *
 * libev keeps one reference count per loop, not per watcher, so an unreferenced watcher
 * is ev_unref'd after it starts and ev_ref'd before it stops, including when libev stops
 * it by itself (a one-shot timer that fired, an io watcher on a bad fd).
 */
#include "g4j_loop.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

static int libev_loop_init(g4j_loop *loop) {
  /* EVFLAG_NOENV: LIBEV_FLAGS in the environment must not change what Java asked for. */
  struct ev_loop *ev = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOENV);
  if (!ev) return -ENOMEM;
  loop->backend = ev;
  return 0;
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

static int libev_run(g4j_loop *loop, int mode) {
  int flags = mode == G4J_RUN_NOWAIT ? EVRUN_NOWAIT : mode == G4J_RUN_ONCE ? EVRUN_ONCE : 0;
  ev_run(LOOP(loop), flags);
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
      ev_signal_set(&h->signal, w->u.signal.signum);
      ev_signal_start(ev, &h->signal);
      break;
    case G4J_ASYNC: ev_async_start(ev, &h->async); break;
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
  .version = libev_version,
  .build_version = libev_build_version,
};
