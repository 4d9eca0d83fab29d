/*
 * Process-wide ownership of watched descriptors (g4j_loop.h, "descriptors").
 *
 * A table indexed by fd holds, for each fd, the io watchers started on it (on every loop),
 * whether a close of it is under way, and whether it is a loop's own descriptor. It is
 * two-level (chunks of 1024 entries, allocated on first use and kept) so that it grows
 * without moving entries that other threads read. Striped mutexes guard the entries: a
 * watcher is linked and unlinked only on its loop's thread, under its fd's stripe, and
 * other threads read the links under the same stripe. Lock order: stripe, then a loop's
 * requests_lock; nothing else is taken under a stripe but the wake-up's async send.
 *
 * Why the core and not Java: a backend must never see a dead fd (libev asserts in
 * epoll_ctl, libuv aborts), and the only place that sees every loop's watchers, every
 * close made through gevent4j and every start at once is here.
 */
#include "g4j_loop.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK_BITS 10
#define CHUNK_SIZE (1 << CHUNK_BITS)
#define CHUNKS 2048              /* fds below 2^21; Linux's default nr_open is 2^20 */
#define FD_LIMIT (CHUNKS * CHUNK_SIZE)
#define STRIPES 64

typedef struct {
  g4j_watcher *watchers;         /* started io watchers, every loop, through u.io.fd_next/fd_prev */
  int closing;                   /* shares still to be released before close(2); 0: none under way */
  int reserved;                  /* a loop's own descriptor, counted */
} fd_entry;

/* A close another thread made under one of this loop's watchers. */
struct g4j_fd_request {
  int fd;
  struct g4j_fd_request *next;
};

static _Atomic(fd_entry *) chunks[CHUNKS];
static pthread_mutex_t chunks_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stripes[STRIPES] = {[0 ... STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER};

static fd_entry *entry_of(int fd, int create) {
  if (fd < 0 || fd >= FD_LIMIT) return NULL;
  _Atomic(fd_entry *) *slot = &chunks[fd >> CHUNK_BITS];
  fd_entry *chunk = atomic_load_explicit(slot, memory_order_acquire);
  if (!chunk && create) {
    pthread_mutex_lock(&chunks_lock);
    chunk = atomic_load_explicit(slot, memory_order_relaxed);
    if (!chunk) {
      chunk = calloc(CHUNK_SIZE, sizeof *chunk);
      if (chunk) atomic_store_explicit(slot, chunk, memory_order_release);
    }
    pthread_mutex_unlock(&chunks_lock);
  }
  return chunk ? &chunk[fd & (CHUNK_SIZE - 1)] : NULL;
}

static pthread_mutex_t *stripe(int fd) { return &stripes[fd % STRIPES]; }

static void link_watcher(fd_entry *e, g4j_watcher *w) {
  w->u.io.fd_prev = NULL;
  w->u.io.fd_next = e->watchers;
  if (e->watchers) e->watchers->u.io.fd_prev = w;
  e->watchers = w;
  w->u.io.attached = 1;
}

static void unlink_watcher(fd_entry *e, g4j_watcher *w) {
  if (w->u.io.fd_prev) w->u.io.fd_prev->u.io.fd_next = w->u.io.fd_next;
  else e->watchers = w->u.io.fd_next;
  if (w->u.io.fd_next) w->u.io.fd_next->u.io.fd_prev = w->u.io.fd_prev;
  w->u.io.fd_next = w->u.io.fd_prev = NULL;
  w->u.io.attached = 0;
}

/* Unlinks the watchers of e that belong to loop and pass keep() == 0; returns them chained
 * through u.io.fd_next, for g4j__kill_io. Under the stripe. */
static g4j_watcher *take_own(fd_entry *e, g4j_loop *loop, const struct stat *current) {
  g4j_watcher *taken = NULL, *next;
  for (g4j_watcher *w = e->watchers; w; w = next) {
    next = w->u.io.fd_next;
    if (w->loop != loop) continue;
    if (current && w->u.io.dev == (unsigned long long) current->st_dev &&
        w->u.io.ino == (unsigned long long) current->st_ino) {
      continue; /* still the file it was started on */
    }
    unlink_watcher(e, w);
    w->u.io.fd_next = taken;
    taken = w;
  }
  return taken;
}

int g4j__fd_attach(g4j_watcher *w) {
  int fd = w->u.io.fd;
  if (fd < 0 || fd >= FD_LIMIT) return -EBADF;
  fd_entry *e = entry_of(fd, 1);
  if (!e) return -ENOMEM;
  struct stat st;
  g4j_watcher *stale = NULL;
  int rc = 0;
  pthread_mutex_lock(stripe(fd));
  if (e->reserved) {
    rc = -EBUSY;
  } else if (e->closing) {
    rc = -EBADF; /* closed through gevent4j; the close(2) itself is still to come */
  } else if (fstat(fd, &st) != 0) {
    rc = -errno;
  } else {
    /* This loop's watchers of a file that was closed behind gevent4j's back, whose number
     * now names another file: the backend still has the old registration, and libuv would
     * abort on the EPOLL_CTL_MOD that adding this watcher makes. They fail first. */
    stale = take_own(e, w->loop, &st);
    w->u.io.dev = (unsigned long long) st.st_dev;
    w->u.io.ino = (unsigned long long) st.st_ino;
    link_watcher(e, w);
  }
  pthread_mutex_unlock(stripe(fd));
  g4j__kill_io(stale);
  return rc;
}

void g4j__fd_detach(g4j_watcher *w) {
  if (!w->u.io.attached) return;
  int fd = w->u.io.fd;
  fd_entry *e = entry_of(fd, 0);
  pthread_mutex_lock(stripe(fd));
  unlink_watcher(e, w);
  pthread_mutex_unlock(stripe(fd));
}

void g4j__fd_reserve(int fd, int reserved) {
  fd_entry *e = entry_of(fd, 1);
  if (!e) return;
  pthread_mutex_lock(stripe(fd));
  e->reserved += reserved ? 1 : -1;
  pthread_mutex_unlock(stripe(fd));
}

/* close(2), never retried: on Linux the descriptor is gone even after EINTR, and another
 * thread may own its number already. EINTR and EINPROGRESS count as success. */
static int close_now(int fd) {
  if (close(fd) == 0) return 0;
  int e = errno;
  return e == EINTR || e == EINPROGRESS ? 0 : -e;
}

/* One share of a close under way is done; the last one closes, under the stripe, so that no
 * watcher can start on the fd between the decision and the close(2). */
static int release(int fd, fd_entry *e) {
  int rc = 0;
  pthread_mutex_lock(stripe(fd));
  if (--e->closing == 0) rc = close_now(fd);
  pthread_mutex_unlock(stripe(fd));
  return rc;
}

int g4j_fd_close(int fd) {
  if (fd < 0) return -EBADF;
  fd_entry *e = entry_of(fd, 1);
  if (!e) return close_now(fd); /* beyond the table: never watched */
  pthread_t self = pthread_self();
  pthread_mutex_lock(stripe(fd));
  if (e->reserved) {
    pthread_mutex_unlock(stripe(fd));
    return -EBUSY;
  }
  if (e->closing) {
    pthread_mutex_unlock(stripe(fd));
    return -EBADF; /* closed already; the last loop watching it has not let go yet */
  }
  if (!e->watchers) {
    int rc = close_now(fd);
    pthread_mutex_unlock(stripe(fd));
    return rc;
  }
  /* Other threads' loops are asked to let go, once each; a request node per loop is made
   * before anything changes, so that running out of memory changes nothing. */
  int others = 0;
  struct g4j_fd_request *nodes = NULL;
  for (g4j_watcher *w = e->watchers; w; w = w->u.io.fd_next) {
    if (pthread_equal(__atomic_load_n(&w->loop->thread, __ATOMIC_ACQUIRE), self)) continue;
    int first = 1;
    for (g4j_watcher *v = e->watchers; v != w; v = v->u.io.fd_next) first &= v->loop != w->loop;
    if (!first) continue;
    struct g4j_fd_request *node = malloc(sizeof *node);
    if (!node) {
      while (nodes) {
        struct g4j_fd_request *n = nodes->next;
        free(nodes);
        nodes = n;
      }
      pthread_mutex_unlock(stripe(fd));
      return -ENOMEM;
    }
    node->fd = fd;
    node->next = nodes;
    nodes = node;
    others++;
  }
  /* This thread's loops let go right here: one share for all of them. */
  g4j_watcher *own = NULL, *next;
  for (g4j_watcher *w = e->watchers; w; w = next) {
    next = w->u.io.fd_next;
    if (!pthread_equal(__atomic_load_n(&w->loop->thread, __ATOMIC_ACQUIRE), self)) continue;
    unlink_watcher(e, w);
    w->u.io.fd_next = own;
    own = w;
  }
  e->closing = others + 1;
  for (g4j_watcher *w = e->watchers; w && nodes; w = w->u.io.fd_next) {
    int first = 1;
    for (g4j_watcher *v = e->watchers; v != w; v = v->u.io.fd_next) first &= v->loop != w->loop;
    if (!first) continue;
    struct g4j_fd_request *node = nodes;
    nodes = node->next;
    g4j_loop *loop = w->loop;
    pthread_mutex_lock(&loop->requests_lock);
    node->next = loop->requests;
    __atomic_store_n(&loop->requests, node, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&loop->requests_lock);
    /* Under the stripe: the loop has a watcher here, so it is not being destroyed (destroy
     * detaches its io watchers before it frees the wake-up). */
    g4j_async_send(loop->wake);
  }
  pthread_mutex_unlock(stripe(fd));
  g4j__kill_io(own);
  return release(fd, e);
}

/* A loop lets go of a fd another thread closed: its watchers of it fail, and its share of
 * the close is released. */
static void forget(g4j_loop *loop, int fd) {
  fd_entry *e = entry_of(fd, 0);
  pthread_mutex_lock(stripe(fd));
  g4j_watcher *own = take_own(e, loop, NULL);
  pthread_mutex_unlock(stripe(fd));
  g4j__kill_io(own);
  release(fd, e);
}

void g4j__fd_take_requests(g4j_loop *loop) {
  /* Every run comes here: nothing to take costs one atomic load, not a lock. A request pushed
   * right after is not lost: its pusher wakes the loop, whose wake-up takes it. */
  if (!__atomic_load_n(&loop->requests, __ATOMIC_ACQUIRE)) return;
  pthread_mutex_lock(&loop->requests_lock);
  struct g4j_fd_request *list = loop->requests;
  loop->requests = NULL;
  pthread_mutex_unlock(&loop->requests_lock);
  while (list) {
    struct g4j_fd_request *next = list->next;
    forget(loop, list->fd);
    free(list);
    list = next;
  }
}

int g4j__fd_kill_stale(g4j_loop *loop, g4j_watcher *w) {
  int fd = w->u.io.fd;
  struct stat st;
  /* The usual case, without the lock: still open, still the file it was started on. */
  if (fstat(fd, &st) == 0 && w->u.io.dev == (unsigned long long) st.st_dev &&
      w->u.io.ino == (unsigned long long) st.st_ino) {
    return 0;
  }
  fd_entry *e = entry_of(fd, 0);
  if (!e) return 0;
  pthread_mutex_lock(stripe(fd));
  int open = fstat(fd, &st) == 0;
  g4j_watcher *stale = take_own(e, loop, open ? &st : NULL);
  pthread_mutex_unlock(stripe(fd));
  int killed = stale != NULL;
  g4j__kill_io(stale);
  return killed;
}
