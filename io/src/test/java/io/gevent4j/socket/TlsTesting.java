package io.gevent4j.socket;

import javax.net.ssl.SSLContext;

/** The test certificate's TLS contexts, for tests outside this package (StreamServer's). */
public final class TlsTesting {
  private TlsTesting() {}

  /** A server context with the keytool-made certificate (SAN localhost, 127.0.0.1). */
  public static SSLContext server() {
    return SslSocketTest.Certs.server();
  }

  /** A client context that trusts that certificate. */
  public static SSLContext client() {
    return SslSocketTest.Certs.client();
  }
}
