package io.gevent4j.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The {@link HttpsServer} that {@link GeventHttpServerProvider} makes: {@link GeventJdkHttpServer}
 * over TLS. Each accepted connection gets an {@link SSLEngine} from the configurator's context,
 * configured by {@link HttpsConfigurator#configure} (as the JDK's {@code SSLStreams} does), in the
 * connection's greenlet; the handshake happens on its first read. Handlers get
 * {@link com.sun.net.httpserver.HttpsExchange}s.
 */
final class GeventJdkHttpsServer extends HttpsServer {
  private final JdkServerAdapter adapter;
  private volatile HttpsConfigurator configurator;

  GeventJdkHttpsServer(InetSocketAddress address, int backlog) throws IOException {
    this.adapter = new JdkServerAdapter(this, address, backlog);
  }

  /** @throws IllegalStateException once started */
  @Override
  public synchronized void setHttpsConfigurator(HttpsConfigurator config) {
    Objects.requireNonNull(config, "null HttpsConfigurator");
    if (adapter.started()) throw new IllegalStateException("the server is already started");
    configurator = config;
  }

  @Override
  public HttpsConfigurator getHttpsConfigurator() {
    return configurator;
  }

  @Override
  public void bind(InetSocketAddress address, int backlog) throws IOException {
    adapter.bind(address, backlog);
  }

  /** @throws IllegalStateException also when no {@link HttpsConfigurator} was set */
  @Override
  public synchronized void start() {
    HttpsConfigurator config = configurator;
    if (config == null) throw new IllegalStateException("set an HttpsConfigurator before start()");
    adapter.start(server -> server.ssl(config.getSSLContext()).tlsConfigurator((engine, client) -> configure(config, engine, client)));
  }

  /**
   * Applies the configurator to one connection's engine, as the JDK's SSLStreams.configureEngine
   * (which honours the deprecated setters when no SSLParameters were given: so do we).
   */
  @SuppressWarnings("deprecation")
  private static void configure(HttpsConfigurator config, SSLEngine engine, InetSocketAddress client) {
    Parameters parameters = new Parameters(config, client);
    config.configure(parameters);
    SSLParameters chosen = parameters.chosen;
    if (chosen != null) {
      engine.setSSLParameters(chosen);
      return;
    }
    if (parameters.getCipherSuites() != null) engine.setEnabledCipherSuites(parameters.getCipherSuites());
    if (parameters.getProtocols() != null) engine.setEnabledProtocols(parameters.getProtocols());
    engine.setNeedClientAuth(parameters.getNeedClientAuth());
    if (!parameters.getNeedClientAuth()) engine.setWantClientAuth(parameters.getWantClientAuth());
  }

  /** What a configurator sets for one connection. */
  private static final class Parameters extends HttpsParameters {
    private final HttpsConfigurator configurator;
    private final InetSocketAddress client;
    private SSLParameters chosen;

    Parameters(HttpsConfigurator configurator, InetSocketAddress client) {
      this.configurator = configurator;
      this.client = client;
    }

    @Override
    public HttpsConfigurator getHttpsConfigurator() {
      return configurator;
    }

    @Override
    public InetSocketAddress getClientAddress() {
      return client;
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
      chosen = params;
    }
  }

  @Override
  public void setExecutor(Executor executor) {
    adapter.setExecutor(executor);
  }

  @Override
  public Executor getExecutor() {
    return adapter.getExecutor();
  }

  @Override
  public void stop(int delay) {
    adapter.stop(delay);
  }

  @Override
  public HttpContext createContext(String path, HttpHandler handler) {
    Objects.requireNonNull(handler, "null handler parameter");
    return adapter.createContext(path, handler);
  }

  @Override
  public HttpContext createContext(String path) {
    return adapter.createContext(path, null);
  }

  @Override
  public void removeContext(String path) {
    adapter.removeContext(path);
  }

  @Override
  public void removeContext(HttpContext context) {
    adapter.removeContext(context);
  }

  @Override
  public InetSocketAddress getAddress() {
    return adapter.getAddress();
  }

  @Override
  public String toString() {
    return adapter.toString() + " (HTTPS)";
  }
}
