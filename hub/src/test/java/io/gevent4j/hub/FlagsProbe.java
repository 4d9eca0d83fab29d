package io.gevent4j.hub;

/** Run in a JVM started without --add-opens by {@link FlagsTest}: prints what the first use says. */
public final class FlagsProbe {
  private FlagsProbe() {}

  public static void main(String[] args) {
    try {
      Hub.current().close();
      System.out.println("no error");
    } catch (IllegalStateException e) {
      System.out.println("error: " + e.getMessage());
    }
  }
}
