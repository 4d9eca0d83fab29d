#!/usr/bin/env bash
# gevent4j load harness (issue 7): TCP echo, 64-byte messages, closed loop, on 127.0.0.1.
#
# Side by side in one run: gevent4j on libev and on libuv, Netty's epoll transport and a JDK
# virtual-thread server. Each server runs in its own JVM pinned to core 0 (taskset -c 0); the
# client (io.gevent4j.bench.load.EchoClient, the same for every server: one Netty epoll event
# loop) runs in its own JVM pinned to core 1, for 1 and for 100 connections. Prints one table:
# requests/s, p50 and p99 latency, and each server's requests/s as a fraction of Netty's.
#
# It builds nothing. Build the bench jar first:
#   export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
#   ./mvnw -q -pl native,hub,sync,greenlet,io,bench install -DskipTests
#
# Usage: bench/load/run.sh            (3 s warm-up + 10 s measured per client run; ~2.5 min)
# Knobs (environment): WARMUP=3 DURATION=10 CONNECTIONS="1 100" ROUNDS=1 PORT=17710
#   SERVERS="netty-epoll gevent4j-libev gevent4j-libuv jdk-virtual" SIZE=64
# Everything is bounded: each client gives up 30 s after its planned end, each server exits
# by itself after its lifetime, and the script kills what it started when it ends.
set -euo pipefail
cd "$(dirname "$0")/../.."

WARMUP=${WARMUP:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-"1 100"}
ROUNDS=${ROUNDS:-1}
PORT=${PORT:-17710}
SIZE=${SIZE:-64}
SERVERS=${SERVERS:-"netty-epoll gevent4j-libev gevent4j-libuv jdk-virtual"}
JAR=bench/target/benchmarks.jar

die() { echo "run.sh: $*" >&2; exit 1; }

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}
JAVA=
for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
  if [ -x "$home/bin/java" ] && [ "$(java_major "$home/bin/java")" -ge 25 ] 2>/dev/null; then JAVA=$home/bin/java; break; fi
done
[ -n "$JAVA" ] || die "no JDK >= 25 found (set JAVA_HOME)"
[ -f "$JAR" ] || die "$JAR is missing: build it first (see the top of this script)"
command -v taskset >/dev/null || die "taskset is missing (util-linux)"
[ "$(nproc --all)" -ge 2 ] || die "needs 2 cores: the server pinned to core 0, the client to core 1"

# The same JVM flags for every process: what greenlets need (harmless elsewhere), a fixed heap,
# Netty allowed its Unsafe fast paths (Netty turns them off by default on Java 25+), and no
# SLF4J chatter (no logging back end in the jar).
JVM=(--add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
     --sun-misc-unsafe-memory-access=allow -Xms256m -Xmx256m -Dslf4j.internal.verbosity=ERROR)

server_cmd() { # name -> main class and extra flags
  case "$1" in
    netty-epoll) echo "io.gevent4j.bench.load.NettyEchoServer" ;;
    gevent4j-libev) echo "-Dgevent.loop=libev io.gevent4j.bench.load.GeventEchoServer" ;;
    gevent4j-libuv) echo "-Dgevent.loop=libuv io.gevent4j.bench.load.GeventEchoServer" ;;
    jdk-virtual) echo "io.gevent4j.bench.load.JdkVirtualEchoServer" ;;
    *) die "unknown server $1" ;;
  esac
}

SERVER_PID=
LOGDIR=$(mktemp -d /tmp/gevent4j-load.XXXXXX)
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

n_conns=$(wc -w <<<"$CONNECTIONS")
lifetime=$(( (WARMUP + DURATION + 40) * n_conns + 30 ))
echo "gevent4j load harness: $("$JAVA" -version 2>&1 | head -n 1); ${WARMUP} s warm-up + ${DURATION} s per client run, ${SIZE}-byte messages, rounds: $ROUNDS"
echo "load before: $(uptime | sed 's/.*load average/load average/'); java processes: $(pgrep -c java || true)"
echo "logs: $LOGDIR"

RESULTS=()
for round in $(seq 1 "$ROUNDS"); do
  for name in $SERVERS; do
    PORT=$((PORT + 1)) # a fresh port per server: no TIME_WAIT or leftover listener in the way
    port_open "$PORT" && die "port $PORT is already in use"
    log="$LOGDIR/$name.$round.log"
    # shellcheck disable=SC2046
    taskset -c 0 "$JAVA" "${JVM[@]}" -cp "$JAR" $(server_cmd "$name") "$PORT" "$lifetime" >"$log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 150); do # the server prints its "listening" line once it has bound
      grep -q listening "$log" && break
      kill -0 "$SERVER_PID" 2>/dev/null || die "$name did not start: $(cat "$log")"
      sleep 0.1
    done
    port_open "$PORT" || die "$name does not accept on $PORT after 15 s: $(cat "$log")"
    grep -m1 listening "$log"
    for c in $CONNECTIONS; do
      line=$(taskset -c 1 "$JAVA" "${JVM[@]}" -cp "$JAR" io.gevent4j.bench.load.EchoClient \
          "$name" "$PORT" "$c" "$WARMUP" "$DURATION" "$SIZE" 2>>"$LOGDIR/client.log" | grep '^RESULT' || true)
      [ -n "$line" ] || die "the client failed against $name with $c connections: $(tail -n 3 "$LOGDIR/client.log")"
      echo "  $line"
      RESULTS+=("round=$round $line")
    done
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
  done
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"

# One table; "÷ netty" is the server's requests/s over Netty epoll's, same round and connections.
printf '%s\n' "${RESULTS[@]}" | awk '
  function field(k,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } }
  { r = field("round"); s = field("label"); c = field("connections")
    key[NR] = r SUBSEP s SUBSEP c; rps[NR] = field("rps"); p50[NR] = field("p50_us"); p99[NR] = field("p99_us")
    srv[NR] = s; con[NR] = c; rnd[NR] = r
    if (s == "netty-epoll") netty[r SUBSEP c] = field("rps") }
  END {
    printf "\n| %-15s | %5s | %5s | %9s | %9s | %9s | %8s |\n", "server", "round", "conns", "req/s", "p50 µs", "p99 µs", "÷ netty"
    printf "|%s|%s|%s|%s|%s|%s|%s|\n", "-----------------", "------:", "------:", "----------:", "----------:", "----------:", "---------:"
    for (i = 1; i <= NR; i++) {
      n = netty[rnd[i] SUBSEP con[i]]
      ratio = n > 0 ? sprintf("%.2f", rps[i] / n) : "-"
      printf "| %-15s | %5s | %5s | %9d | %9.1f | %9.1f | %8s |\n", srv[i], rnd[i], con[i], rps[i], p50[i], p99[i], ratio
    }
  }'
