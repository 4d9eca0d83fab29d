# Shared by the load-harness scripts (run.sh, http.sh, jdkio.sh, profile.sh): the JDK, the JVM
# flags, the servers by name, starting and stopping one, drawing a result table as a chart. Sourced, not run; the caller has done
# `cd` to the project root and set `set -euo pipefail`.

JAR=bench/target/benchmarks.jar

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# JAVA (a JDK >= 25) and JVM_FLAGS (the root pom's gevent4j.jvmFlags), found by ./dev as for
# everything else; ./dev has said why when it fails.
DEV_ENV=$(./dev env) || exit 1
eval "$DEV_ENV"
[ -f "$JAR" ] || die "$JAR is missing: build it first: ./mvnw -q -pl native,hub,sync,greenlet,io,bench install -DskipTests"
command -v taskset >/dev/null || die "taskset is missing (util-linux)"
[ "$(nproc --all)" -ge 2 ] || die "needs 2 cores: the server pinned to core 0, the client to core 1"

# The same JVM flags for every process: what greenlets need (harmless elsewhere), a fixed heap,
# Netty allowed its Unsafe fast paths (Netty turns them off by default on Java 25+), and no
# SLF4J chatter (no logging back end in the jar).
JVM=("${JVM_FLAGS[@]}"
     --sun-misc-unsafe-memory-access=allow -Xms256m -Xmx256m -Dslf4j.internal.verbosity=ERROR)

server_cmd() { # name -> extra flags and main class
  local p=io.gevent4j.bench.load
  case "$1" in
    # TCP echo (run.sh)
    netty-epoll) echo "$p.NettyEchoServer" ;;
    gevent4j-libev) echo "-Dgevent.loop=libev $p.GeventEchoServer" ;;
    gevent4j-libuv) echo "-Dgevent.loop=libuv $p.GeventEchoServer" ;;
    jdk-virtual) echo "$p.JdkVirtualEchoServer" ;;
    # not in the default set: gevent4j's native loop without greenlets, the floor (see the class)
    loop-libev) echo "-Dgevent.loop=libev $p.LoopEchoServer" ;;
    loop-libuv) echo "-Dgevent.loop=libuv $p.LoopEchoServer" ;;
    # JDK blocking I/O in greenlets (jdkio.sh): where their waits are served (docs/hub.md)
    jdk-greenlets-hub) echo "-Dgevent.jdkPollers=hub $p.JdkGreenletEchoServer" ;;
    jdk-greenlets-jdk) echo "-Dgevent.jdkPollers=jdk $p.JdkGreenletEchoServer" ;;
    jdk-greenlets-mode1) echo "-Dgevent.jdkPollers=jdk -Djdk.pollerMode=1 $p.JdkGreenletEchoServer" ;;
    # the same class on BEFORE_JAR's gevent4j (server_cp): the JDK's pollers started by the first
    # greenlet to wait (on the serving hub), or by a greenlet of a hub of their own
    jdk-greenlets-before) echo "$p.JdkGreenletEchoServer" ;;
    jdk-greenlets-pollerhub-before) echo "-Dbench.pollerHub=true $p.JdkGreenletEchoServer" ;;
    # plain virtual threads in a JVM where a gevent4j hub was made first, and with platform pollers
    jdk-virtual-hub) echo "-Dbench.firstHub=true $p.JdkVirtualEchoServer" ;;
    jdk-virtual-mode1) echo "-Djdk.pollerMode=1 $p.JdkVirtualEchoServer" ;;
    # HTTP hello world (http.sh)
    netty-http) echo "$p.NettyHttpServerMain" ;;
    gevent4j-http-libev) echo "-Dgevent.loop=libev $p.GeventHttpServerMain" ;;
    gevent4j-http-libuv) echo "-Dgevent.loop=libuv $p.GeventHttpServerMain" ;;
    # the JDK's own implementation, not gevent4j's provider that the io jar registers
    jdk-http-virtual) echo "-Dcom.sun.net.httpserver.HttpServerProvider=sun.net.httpserver.DefaultHttpServerProvider $p.JdkHttpServerMain" ;;
    *) die "unknown server $1" ;;
  esac
}

# The class path of a server: the bench jar, or for the *-before servers BEFORE_JAR (an earlier
# build's bench jar) ahead of it, so that gevent4j is BEFORE_JAR's and only new classes come
# from this build.
server_cp() {
  case "$1" in
    *-before) [ -n "${BEFORE_JAR:-}" ] || die "$1 needs BEFORE_JAR (an earlier build's bench jar)"; echo "$BEFORE_JAR:$JAR" ;;
    *) echo "$JAR" ;;
  esac
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

SERVER_PID=
# start_server NAME PORT LIFETIME LOG [JVM flags...]: on core 0; returns once it accepts.
start_server() {
  local name=$1 port=$2 lifetime=$3 log=$4
  shift 4
  port_open "$port" && die "port $port is already in use"
  # shellcheck disable=SC2046
  taskset -c 0 "$JAVA" "${JVM[@]}" "$@" -cp "$(server_cp "$name")" $(server_cmd "$name") "$port" "$lifetime" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 150); do # the server prints its "listening" line once it has bound
    grep -qs listening "$log" && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "$name did not start: $(cat "$log")"
    sleep 0.1
  done
  port_open "$port" || die "$name does not accept on $port after 15 s: $(cat "$log")"
  grep -m1 listening "$log"
}

stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  SERVER_PID=
}
trap stop_server EXIT

# chart TSV PNG TITLE COLUMN=LABEL...: draws a result table the script wrote as TSV as a PNG of
# bar charts (ResultChart: a panel per metric and connection count, a bar per server).
chart() {
  local tsv=$1 png=$2
  "$JAVA" -Xmx256m -cp "$JAR" io.gevent4j.bench.load.ResultChart "$@" || die "could not draw $png from $tsv"
  echo "chart: $png (data: $tsv)"
}
