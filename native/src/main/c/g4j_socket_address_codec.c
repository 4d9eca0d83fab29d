/*
 * The C half of SocketAddressCodec.java (no natives of its own): socket addresses from and to
 * the byte[] layout of g4j_socket_address_codec.h, for g4j_posix_sockets.c.
 */
#include "g4j_socket_address_codec.h"

#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SUN_PATH_SIZE (sizeof(((struct sockaddr_un *) 0)->sun_path))

static unsigned get16(const uint8_t *p) { return (unsigned) p[0] << 8 | p[1]; }
static uint32_t get32(const uint8_t *p) { return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3]; }
static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t) (v >> 8); p[1] = (uint8_t) v; }
static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t) (v >> 24); p[1] = (uint8_t) (v >> 16); p[2] = (uint8_t) (v >> 8); p[3] = (uint8_t) v;
}

/* The sockaddr for a Java address (see the header). */
int g4j_socket_address_from_java(JNIEnv *env, jbyteArray jaddr, struct sockaddr_storage *ss, socklen_t *len) {
  uint8_t buf[G4J_ADDR_BYTES];
  if (!jaddr) return -EINVAL;
  jsize n = (*env)->GetArrayLength(env, jaddr);
  if (n < G4J_ADDR_HEADER || n > (jsize) G4J_ADDR_BYTES) return -EINVAL;
  (*env)->GetByteArrayRegion(env, jaddr, 0, n, (jbyte *) buf);
  unsigned family = get16(buf + G4J_ADDR_FAMILY), port = get16(buf + G4J_ADDR_PORT), alen = get16(buf + G4J_ADDR_LENGTH);
  uint32_t scope = get32(buf + G4J_ADDR_SCOPE);
  if (alen > (unsigned) n - G4J_ADDR_HEADER) return -EINVAL;
  const uint8_t *a = buf + G4J_ADDR_HEADER;
  memset(ss, 0, sizeof *ss);
  if (family == AF_INET) {
    struct sockaddr_in *sin = (struct sockaddr_in *) ss;
    if (alen != sizeof sin->sin_addr) return -EINVAL;
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t) port);
    memcpy(&sin->sin_addr, a, alen);
    *len = sizeof *sin;
  } else if (family == AF_INET6) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;
    if (alen != sizeof sin6->sin6_addr) return -EINVAL;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((uint16_t) port);
    sin6->sin6_scope_id = scope;
    memcpy(&sin6->sin6_addr, a, alen);
    *len = sizeof *sin6;
  } else if (family == AF_UNIX) {
    struct sockaddr_un *sun = (struct sockaddr_un *) ss;
    if (alen > SUN_PATH_SIZE) return -EINVAL;
    sun->sun_family = AF_UNIX;
    memcpy(sun->sun_path, a, alen);
    /* A path name is counted with its NUL when there is room; an abstract name (leading 0)
     * is exactly its bytes; no bytes at all is an unnamed address (autobind for bind). */
    int nul = alen > 0 && a[0] != 0 && alen < SUN_PATH_SIZE;
    *len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + alen + (unsigned) nul);
  } else {
    return -EAFNOSUPPORT;
  }
  return 0;
}

/* Writes a sockaddr into a Java byte[] of at least G4J_ADDR_BYTES in the layout above: 0 or -errno.
 * A length of 0 (recvfrom on a stream socket) or an unknown family gives family 0. */
int g4j_socket_address_to_java(JNIEnv *env, const struct sockaddr_storage *ss, socklen_t len, jbyteArray out) {
  uint8_t buf[G4J_ADDR_BYTES];
  memset(buf, 0, G4J_ADDR_HEADER);
  size_t alen = 0;
  if (len >= sizeof(sa_family_t)) {
    if (ss->ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
      const struct sockaddr_in *sin = (const struct sockaddr_in *) ss;
      put16(buf + G4J_ADDR_FAMILY, AF_INET);
      put16(buf + G4J_ADDR_PORT, ntohs(sin->sin_port));
      alen = sizeof sin->sin_addr;
      memcpy(buf + G4J_ADDR_HEADER, &sin->sin_addr, alen);
    } else if (ss->ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) ss;
      put16(buf + G4J_ADDR_FAMILY, AF_INET6);
      put16(buf + G4J_ADDR_PORT, ntohs(sin6->sin6_port));
      put32(buf + G4J_ADDR_SCOPE, sin6->sin6_scope_id);
      alen = sizeof sin6->sin6_addr;
      memcpy(buf + G4J_ADDR_HEADER, &sin6->sin6_addr, alen);
    } else if (ss->ss_family == AF_UNIX) {
      const struct sockaddr_un *sun = (const struct sockaddr_un *) ss;
      size_t max = len - offsetof(struct sockaddr_un, sun_path);
      if (max > SUN_PATH_SIZE) max = SUN_PATH_SIZE;
      put16(buf + G4J_ADDR_FAMILY, AF_UNIX);
      /* abstract: every byte the kernel counted; a path: up to its NUL */
      alen = max > 0 && sun->sun_path[0] == 0 ? max : strnlen(sun->sun_path, max);
      memcpy(buf + G4J_ADDR_HEADER, sun->sun_path, alen);
    }
  }
  put16(buf + G4J_ADDR_LENGTH, (unsigned) alen);
  if (!out || (*env)->GetArrayLength(env, out) < (jsize) G4J_ADDR_BYTES) return -EINVAL;
  (*env)->SetByteArrayRegion(env, out, 0, (jsize) (G4J_ADDR_HEADER + alen), (const jbyte *) buf);
  return 0;
}
