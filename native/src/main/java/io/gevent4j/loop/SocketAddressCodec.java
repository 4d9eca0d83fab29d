package io.gevent4j.loop;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Socket addresses as they cross JNI: a {@code byte[]} in the one layout both sides read and
 * write (family, port, IPv6 scope id, length, then the address bytes; big-endian), whose field
 * offsets come from C ({@code g4j_socket_address_codec.h}). Its C half is
 * {@code g4j_socket_address_codec.c}; {@link PosixSockets} uses both.
 */
final class SocketAddressCodec {
  private SocketAddressCodec() {}

  private static final int FAMILY = Constants.ADDR_FAMILY_OFFSET;
  private static final int PORT = Constants.ADDR_PORT_OFFSET;
  private static final int SCOPE = Constants.ADDR_SCOPE_OFFSET;
  private static final int LENGTH = Constants.ADDR_LENGTH_OFFSET;
  private static final int HEADER = Constants.ADDR_HEADER;
  /** Room for any address in the layout: the header and a whole {@code sun_path}. */
  static final int BYTES = HEADER + Constants.SIZEOF_SUN_PATH;

  /** {@code address} in the layout. */
  static byte[] encode(SocketAddress address) {
    Objects.requireNonNull(address, "address");
    Native.ensureAvailable();
    int family;
    int port = 0;
    int scope = 0;
    byte[] raw;
    if (address instanceof InetSocketAddress inet) {
      InetAddress ia = inet.getAddress();
      if (ia == null) throw new IllegalArgumentException("unresolved address " + inet + ": resolve it first");
      raw = ia.getAddress();
      port = inet.getPort();
      if (ia instanceof Inet6Address v6) {
        family = Posix.AF_INET6;
        scope = v6.getScopeId();
      } else {
        family = Posix.AF_INET;
      }
    } else if (address instanceof UnixDomainSocketAddress unix) {
      family = Posix.AF_UNIX;
      raw = unix.getPath().toString().getBytes(Posix.FS_CHARSET);
      if (raw.length >= Constants.SIZEOF_SUN_PATH) {
        throw new IllegalArgumentException("unix socket path too long (" + raw.length + " bytes, at most "
            + (Constants.SIZEOF_SUN_PATH - 1) + "): " + unix.getPath());
      }
    } else {
      throw new IllegalArgumentException("unsupported address type " + address.getClass().getName()
          + ": an InetSocketAddress or a UnixDomainSocketAddress");
    }
    byte[] out = new byte[HEADER + raw.length];
    put16(out, FAMILY, family);
    put16(out, PORT, port);
    put32(out, SCOPE, scope);
    put16(out, LENGTH, raw.length);
    System.arraycopy(raw, 0, out, HEADER, raw.length);
    return out;
  }

  /** The address C wrote in the shared layout, or null for family 0 (no address). */
  static SocketAddress decode(byte[] a) {
    int family = get16(a, FAMILY);
    int port = get16(a, PORT);
    int scope = get32(a, SCOPE);
    int length = get16(a, LENGTH);
    byte[] raw = Arrays.copyOfRange(a, HEADER, HEADER + length);
    try {
      if (family == 0) return null;
      if (family == Posix.AF_INET) return new InetSocketAddress(InetAddress.getByAddress(raw), port);
      if (family == Posix.AF_INET6) {
        // Kept an Inet6Address even when IPv4-mapped, so it can be passed back to the same socket.
        return new InetSocketAddress(Inet6Address.getByAddress(null, raw, scope == 0 ? -1 : scope), port);
      }
    } catch (UnknownHostException e) {
      throw new IllegalStateException("bad address from g4j_socket_address_codec.c", e);
    }
    if (family == Posix.AF_UNIX) {
      if (length > 0 && raw[0] == 0) {
        return UnixDomainSocketAddress.of("@" + new String(raw, 1, length - 1, Posix.FS_CHARSET));
      }
      return UnixDomainSocketAddress.of(new String(raw, Posix.FS_CHARSET));
    }
    throw new IllegalStateException("address family " + family + " from g4j_socket_address_codec.c");
  }

  private static void put16(byte[] a, int at, int v) {
    a[at] = (byte) (v >>> 8);
    a[at + 1] = (byte) v;
  }

  private static void put32(byte[] a, int at, int v) {
    put16(a, at, v >>> 16);
    put16(a, at + 2, v);
  }

  private static int get16(byte[] a, int at) {
    return (a[at] & 0xff) << 8 | (a[at + 1] & 0xff);
  }

  private static int get32(byte[] a, int at) {
    return get16(a, at) << 16 | get16(a, at + 2);
  }
}
