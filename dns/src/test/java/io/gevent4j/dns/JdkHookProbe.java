package io.gevent4j.dns;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.hub.Hub;
import io.gevent4j.hub.Resolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Run by {@link JdkHookTest} in a JVM of its own: prints whether InetAddress went through the hub's resolver. */
public final class JdkHookProbe {
  private JdkHookProbe() {}

  public static void main(String[] args) {
    Hub.current().setResolver(new Resolver() {
      @Override
      public List<InetAddress> getaddrinfo(String host) {
        return List.of(InetAddress.ofLiteral("192.0.2.78"));
      }

      @Override
      public String gethostbyname(String host) {
        return "192.0.2.78";
      }

      @Override
      public String gethostbyaddr(String ip) throws UnknownHostException {
        throw new UnknownHostException(ip);
      }
    });
    String result = Gevent.spawn(() -> {
      try {
        return "hooked " + InetAddress.getByName("probe-name-nobody-has.test").getHostAddress();
      } catch (UnknownHostException e) {
        return "not hooked";
      }
    }).get();
    System.out.println(result);
    Hub.current().close();
  }
}
