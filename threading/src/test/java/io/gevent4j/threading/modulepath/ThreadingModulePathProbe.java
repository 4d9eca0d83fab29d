package io.gevent4j.threading.modulepath;

import io.gevent4j.fileobject.FileObject;
import io.gevent4j.fileobject.FileObjectPosix;
import io.gevent4j.fileobject.FileObjectThread;
import io.gevent4j.greenlet.Gevent;
import io.gevent4j.hub.Hub;
import io.gevent4j.loop.Posix;
import io.gevent4j.threading.Threading;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Run by {@code ThreadingModulePathTest} against the threading module on the module path. */
public final class ThreadingModulePathProbe {
  private ThreadingModulePathProbe() {}

  public static void main(String[] args) throws Exception {
    System.out.println("module " + FileObject.class.getModule().getName() + " named=" + FileObject.class.getModule().isNamed());
    Path file = Files.createTempFile("modulepath", ".bin");
    try {
      String out = Gevent.spawn(() -> {
        try (FileObjectThread f = FileObject.open(file, "w+b")) {
          f.write(ByteBuffer.wrap("thread".getBytes(StandardCharsets.US_ASCII)));
          f.position(0);
          String back = new String(f.inputStream().readAllBytes(), StandardCharsets.US_ASCII);
          int[] p = Posix.pipe2(0);
          try (FileObjectPosix r = FileObject.open(p[0], "rb"); FileObjectPosix w = FileObject.open(p[1], "wb")) {
            var reader = Gevent.spawn(() -> new String(r.inputStream().readNBytes(5), StandardCharsets.US_ASCII));
            Hub.sleep(0); // the reader waits on the hub's io watcher (hub.internal, exported to this module)
            w.outputStream().write("posix".getBytes(StandardCharsets.US_ASCII));
            return back + " " + reader.get() + " ident=" + (Threading.getIdent() == Thread.currentThread().threadId());
          }
        }
      }).get();
      System.out.println("files " + out);
    } finally {
      Files.deleteIfExists(file);
      Hub.current().close();
    }
  }
}
