/*
 * Socket addresses as they cross JNI: the C half of SocketAddressCodec.java. A byte[] in one
 * compact layout, written and read by both sides, every field big-endian:
 *
 *   [FAMILY, +2)      AF_INET, AF_INET6 or AF_UNIX; 0 for "no address"
 *   [PORT, +2)        the port (IP families)
 *   [SCOPE, +4)       the IPv6 scope id
 *   [LENGTH, +2)      N, the length of the address bytes
 *   [HEADER, +N)      the address: 4 or 16 bytes, or a unix path without its NUL (an
 *                     abstract name keeps its leading 0 byte)
 *
 * so G4J_ADDR_BYTES (the header and a whole sun_path) hold any of them. Java takes the
 * offsets from g4j_constants.h.
 */
#ifndef G4J_SOCKET_ADDRESS_CODEC_H
#define G4J_SOCKET_ADDRESS_CODEC_H

#include <jni.h>
#include <sys/socket.h>
#include <sys/un.h>

enum { G4J_ADDR_FAMILY = 0, G4J_ADDR_PORT = 2, G4J_ADDR_SCOPE = 4, G4J_ADDR_LENGTH = 8, G4J_ADDR_HEADER = 10 };
#define G4J_ADDR_BYTES (G4J_ADDR_HEADER + sizeof(((struct sockaddr_un *) 0)->sun_path))

/* The sockaddr for a Java address in the layout: 0, -EINVAL or -EAFNOSUPPORT. */
int g4j_socket_address_from_java(JNIEnv *env, jbyteArray jaddr, struct sockaddr_storage *ss, socklen_t *len);

/* Writes a sockaddr into a Java byte[] of at least G4J_ADDR_BYTES in the layout: 0 or -EINVAL.
 * A length of 0 (recvfrom on a stream socket) or an unknown family gives family 0. */
int g4j_socket_address_to_java(JNIEnv *env, const struct sockaddr_storage *ss, socklen_t len, jbyteArray out);

#endif
