package io.gevent4j.bench.load;

/**
 * What every echo server of the load harness takes: {@code <port> [maxSeconds]}. A server
 * listens on 127.0.0.1 only and ends by itself after {@code maxSeconds} (default 300), in case
 * the script that started it is gone.
 */
record ServerArgs(int port, double maxSeconds) {
  static ServerArgs parse(String name, String[] args) {
    if (args.length < 1) {
      System.err.println("usage: " + name + " <port> [maxSeconds]");
      System.exit(2);
    }
    ServerArgs a = new ServerArgs(Integer.parseInt(args[0]), args.length > 1 ? Double.parseDouble(args[1]) : 300);
    long millis = (long) (a.maxSeconds * 1000);
    Thread.ofPlatform().daemon().name("server-lifetime").start(() -> {
      try {
        Thread.sleep(millis);
        System.err.println(name + ": " + a.maxSeconds + " s are up; exiting");
        Runtime.getRuntime().halt(0);
      } catch (InterruptedException e) {
        // not interrupted in practice
      }
    });
    return a;
  }

  /** The line the script may read; printed once the server accepts connections. */
  void ready(String what) {
    System.out.println(what + " listening on 127.0.0.1:" + port);
    System.out.flush();
  }
}
