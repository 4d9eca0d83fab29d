package io.gevent4j.threading;

/**
 * Run without gevent4j's JVM flags by {@link HubGroupFlagsTest}: {@code HubGroup.start} must
 * say which flags to add and leave no thread behind (its owner threads are not daemons: one
 * left alive would keep this JVM from ending).
 */
final class HubGroupFlagsProbe {
  private HubGroupFlagsProbe() {}

  public static void main(String[] args) {
    try {
      HubGroup.start(3).close();
      System.out.println("started without the flags");
    } catch (IllegalStateException e) {
      System.out.println("error: " + e.getMessage());
    }
    long left = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains("hubgroup-")).count();
    System.out.println("hubgroup threads left: " + left);
  }
}
