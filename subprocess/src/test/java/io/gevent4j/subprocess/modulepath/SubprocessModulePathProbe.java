package io.gevent4j.subprocess.modulepath;

import io.gevent4j.greenlet.Gevent;
import io.gevent4j.hub.Hub;
import io.gevent4j.subprocess.Popen;
import java.nio.charset.StandardCharsets;

/** Run by {@code SubprocessModulePathTest} against the subprocess module on the module path. */
public final class SubprocessModulePathProbe {
  private SubprocessModulePathProbe() {}

  public static void main(String[] args) throws Exception {
    System.out.println("module " + Popen.class.getModule().getName() + " named=" + Popen.class.getModule().isNamed());
    String out = Gevent.spawn(() -> {
      try (Popen p = Popen.builder("sh", "-c", "tr a-z A-Z").stdin(Popen.PIPE).stdout(Popen.PIPE).start()) {
        return new String(p.communicate("piped".getBytes(StandardCharsets.US_ASCII), 30).stdout(), StandardCharsets.US_ASCII)
            + " rc=" + p.waitFor();
      }
    }).get();
    System.out.println("child " + out);
    Hub.current().close();
  }
}
