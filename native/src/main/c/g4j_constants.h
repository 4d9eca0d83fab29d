/*
 * Every constant Java reads from C, in one list: the X-macro G4J_CONSTANTS(X) calls
 * X(NAME, value) once per constant, NAME being the name of its field in Constants.java.
 *
 * g4j_native.c expands the list twice, into the names and into the values it hands Java
 * (Native.Natives.constantNames0/constantValues0). Java looks every constant up by name and
 * refuses a library whose list differs from its fields (a missing or an unknown name), so a
 * constant is added here and in Constants.java, in any order.
 *
 * Besides platform values (errno, socket options, signals, ...) the list carries the layout
 * of the records both sides read and write: the event batch's g4j_event, the socket-address
 * layout of g4j_socket_address_codec.h, posix_spawn's file actions (g4j_posix.h), the c-ares
 * channel's records (g4j_ares_channel.h).
 */
#ifndef G4J_CONSTANTS_H
#define G4J_CONSTANTS_H

#include "g4j_ares_channel.h"
#include "g4j_loop.h"
#include "g4j_posix.h"
#include "g4j_socket_address_codec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

#define G4J_CONSTANTS(X)                                                                   \
  /* event bits */                                                                         \
  X(EV_READ, G4J_EV_READ) X(EV_WRITE, G4J_EV_WRITE) X(EV_TIMER, G4J_EV_TIMER)              \
  X(EV_SIGNAL, G4J_EV_SIGNAL) X(EV_CHILD, G4J_EV_CHILD) X(EV_STAT, G4J_EV_STAT)            \
  X(EV_IDLE, G4J_EV_IDLE) X(EV_PREPARE, G4J_EV_PREPARE) X(EV_CHECK, G4J_EV_CHECK)          \
  X(EV_ASYNC, G4J_EV_ASYNC) X(EV_FORK, G4J_EV_FORK) X(EV_ERROR, G4J_EV_ERROR)              \
  /* watcher kinds */                                                                      \
  X(KIND_IO, G4J_IO) X(KIND_TIMER, G4J_TIMER) X(KIND_SIGNAL, G4J_SIGNAL)                   \
  X(KIND_ASYNC, G4J_ASYNC) X(KIND_CHILD, G4J_CHILD) X(KIND_IDLE, G4J_IDLE)                 \
  X(KIND_PREPARE, G4J_PREPARE) X(KIND_CHECK, G4J_CHECK) X(KIND_STAT, G4J_STAT)             \
  X(KIND_FORK, G4J_FORK) X(WATCHER_KINDS, G4J_WATCHER_KINDS)                               \
  /* run modes */                                                                          \
  X(RUN_DEFAULT, G4J_RUN_DEFAULT) X(RUN_NOWAIT, G4J_RUN_NOWAIT) X(RUN_ONCE, G4J_RUN_ONCE)  \
  /* the event batch: g4j_event records */                                                 \
  X(EVENT_SIZE, sizeof(g4j_event))                                                         \
  X(EVENT_ID_OFFSET, offsetof(g4j_event, id))                                              \
  X(EVENT_REVENTS_OFFSET, offsetof(g4j_event, revents))                                    \
  /* errno values Java maps to JDK exceptions or messages */                               \
  X(EAGAIN, EAGAIN) X(EINTR, EINTR) X(EBADF, EBADF) X(EINVAL, EINVAL) X(ENOTSUP, ENOTSUP)  \
  X(EBUSY, EBUSY) X(ECHILD, ECHILD) X(ESRCH, ESRCH) X(ENOMEM, ENOMEM)                      \
  X(ECONNREFUSED, ECONNREFUSED) X(ECONNRESET, ECONNRESET) X(EPIPE, EPIPE)                  \
  X(EINPROGRESS, EINPROGRESS) X(ETIMEDOUT, ETIMEDOUT) X(EADDRINUSE, EADDRINUSE)            \
  X(ENOTCONN, ENOTCONN) X(EISCONN, EISCONN) X(EALREADY, EALREADY) X(ENOENT, ENOENT)        \
  X(EACCES, EACCES) X(EHOSTUNREACH, EHOSTUNREACH) X(ENETUNREACH, ENETUNREACH)              \
  X(EMFILE, EMFILE) X(EPERM, EPERM)                                                        \
  /* sockets */                                                                            \
  X(AF_INET, AF_INET) X(AF_INET6, AF_INET6) X(AF_UNIX, AF_UNIX)                            \
  X(SOCK_STREAM, SOCK_STREAM) X(SOCK_DGRAM, SOCK_DGRAM) X(SOCK_SEQPACKET, SOCK_SEQPACKET)  \
  X(SOCK_NONBLOCK, SOCK_NONBLOCK) X(SOCK_CLOEXEC, SOCK_CLOEXEC)                            \
  X(SOL_SOCKET, SOL_SOCKET) X(SO_REUSEADDR, SO_REUSEADDR) X(SO_REUSEPORT, SO_REUSEPORT)    \
  X(SO_KEEPALIVE, SO_KEEPALIVE) X(SO_SNDBUF, SO_SNDBUF) X(SO_RCVBUF, SO_RCVBUF)            \
  X(SO_ERROR, SO_ERROR) X(SO_BROADCAST, SO_BROADCAST) X(SO_LINGER, SO_LINGER)              \
  X(SO_TYPE, SO_TYPE) X(SO_DOMAIN, SO_DOMAIN) X(SO_ACCEPTCONN, SO_ACCEPTCONN)              \
  X(IPPROTO_IP, IPPROTO_IP) X(IPPROTO_IPV6, IPPROTO_IPV6) X(IPPROTO_TCP, IPPROTO_TCP)      \
  X(IPPROTO_UDP, IPPROTO_UDP) X(IPV6_V6ONLY, IPV6_V6ONLY) X(TCP_NODELAY, TCP_NODELAY)      \
  X(TCP_KEEPIDLE, TCP_KEEPIDLE) X(TCP_KEEPINTVL, TCP_KEEPINTVL) X(TCP_KEEPCNT, TCP_KEEPCNT)\
  X(SHUT_RD, SHUT_RD) X(SHUT_WR, SHUT_WR) X(SHUT_RDWR, SHUT_RDWR)                          \
  X(MSG_DONTWAIT, MSG_DONTWAIT) X(MSG_PEEK, MSG_PEEK) X(MSG_NOSIGNAL, MSG_NOSIGNAL)        \
  X(SIZEOF_SOCKADDR_UN, sizeof(struct sockaddr_un))                                        \
  X(SIZEOF_SUN_PATH, sizeof(((struct sockaddr_un *) 0)->sun_path))                         \
  /* the socket-address layout (g4j_socket_address_codec.h) */                             \
  X(ADDR_FAMILY_OFFSET, G4J_ADDR_FAMILY) X(ADDR_PORT_OFFSET, G4J_ADDR_PORT)                \
  X(ADDR_SCOPE_OFFSET, G4J_ADDR_SCOPE) X(ADDR_LENGTH_OFFSET, G4J_ADDR_LENGTH)              \
  X(ADDR_HEADER, G4J_ADDR_HEADER)                                                          \
  /* descriptors */                                                                        \
  X(O_NONBLOCK, O_NONBLOCK) X(O_CLOEXEC, O_CLOEXEC) X(O_RDONLY, O_RDONLY)                  \
  X(O_WRONLY, O_WRONLY) X(O_RDWR, O_RDWR) X(O_CREAT, O_CREAT) X(O_TRUNC, O_TRUNC)          \
  X(O_APPEND, O_APPEND) X(IOV_MAX, IOV_MAX) X(ARRAY_IO_MAX, G4J_ARRAY_IO_MAX)              \
  /* processes: waitpid options, posix_spawn's file actions and flags (g4j_posix.h) */     \
  X(WNOHANG, WNOHANG) X(WUNTRACED, WUNTRACED)                                              \
  X(SPAWN_DUP2, G4J_SPAWN_DUP2) X(SPAWN_OPEN, G4J_SPAWN_OPEN)                              \
  X(SPAWN_CLOSE, G4J_SPAWN_CLOSE) X(SPAWN_CHDIR, G4J_SPAWN_CHDIR)                          \
  X(SPAWN_CLOSEFROM, G4J_SPAWN_CLOSEFROM)                                                  \
  X(SPAWN_SETSID, G4J_SPAWN_SETSID) X(SPAWN_SETPGROUP, G4J_SPAWN_SETPGROUP)                \
  /* the c-ares channel's records (g4j_ares_channel.h) and the statuses Java maps */       \
  X(ARES_RECORD_SIZE, sizeof(g4j_ares_record))                                             \
  X(ARES_RECORD_KIND_OFFSET, offsetof(g4j_ares_record, kind))                              \
  X(ARES_RECORD_FD_OFFSET, offsetof(g4j_ares_record, fd))                                  \
  X(ARES_RECORD_EVENTS_OFFSET, offsetof(g4j_ares_record, events))                          \
  X(ARES_RECORD_TOKEN_OFFSET, offsetof(g4j_ares_record, token))                            \
  X(ARES_RECORD_STATUS_OFFSET, offsetof(g4j_ares_record, status))                          \
  X(ARES_RECORD_LENGTH_OFFSET, offsetof(g4j_ares_record, length))                          \
  X(ARES_RECORD_SOCKET, G4J_ARES_SOCKET) X(ARES_RECORD_DONE, G4J_ARES_DONE)                \
  X(ARES_SUCCESS, ARES_SUCCESS) X(ARES_ETIMEOUT, ARES_ETIMEOUT)                            \
  X(ARES_ECONNREFUSED, ARES_ECONNREFUSED) X(ARES_EDESTRUCTION, ARES_EDESTRUCTION)          \
  X(ARES_ECANCELLED, ARES_ECANCELLED) X(ARES_ENOMEM, ARES_ENOMEM)                          \
  X(ARES_EBADQUERY, ARES_EBADQUERY) X(ARES_EBADSTR, ARES_EBADSTR)                          \
  /* signals */                                                                            \
  X(SIGHUP, SIGHUP) X(SIGINT, SIGINT) X(SIGQUIT, SIGQUIT) X(SIGILL, SIGILL)                \
  X(SIGABRT, SIGABRT) X(SIGFPE, SIGFPE) X(SIGKILL, SIGKILL) X(SIGSEGV, SIGSEGV)            \
  X(SIGPIPE, SIGPIPE) X(SIGALRM, SIGALRM) X(SIGTERM, SIGTERM) X(SIGUSR1, SIGUSR1)          \
  X(SIGUSR2, SIGUSR2) X(SIGCHLD, SIGCHLD) X(SIGCONT, SIGCONT) X(SIGSTOP, SIGSTOP)          \
  X(SIGTSTP, SIGTSTP) X(SIGBUS, SIGBUS) X(SIGWINCH, SIGWINCH) X(SIGXFSZ, SIGXFSZ)          \
  X(NSIG, NSIG)

#endif
