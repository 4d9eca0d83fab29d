#!/usr/bin/env bash
# Where a load-harness server spends its time: one server of bench/load/run.sh under
# the same load (server on core 0, the Netty epoll client on core 1), looked at with perf:
# system calls per request by kind, and a CPU profile of the server (kernel, native and
# JIT-compiled Java frames; the JVM's perf map gives the Java names).
#
# Needs perf (Debian: linux-perf) and the bench jar (see run.sh for the build command).
# Usage: bench/load/profile.sh gevent4j-libev|gevent4j-libuv|netty-epoll|jdk-virtual|loop-libev|loop-libuv [connections]
# Knobs: WARMUP=5 DURATION=6 PORT=17790 TOP=40
set -euo pipefail
cd "$(dirname "$0")/../.."

NAME=${1:?usage: profile.sh SERVER [connections]}
CONNS=${2:-100}
WARMUP=${WARMUP:-5}
DURATION=${DURATION:-6}
PORT=${PORT:-17790}
TOP=${TOP:-40}
# shellcheck source=common.sh
. bench/load/common.sh
JCMD=$(dirname "$JAVA")/jcmd
command -v perf >/dev/null || die "perf is missing (apt-get install linux-perf)"
server_cmd "$NAME" >/dev/null

OUT=$(mktemp -d /tmp/gevent4j-profile.XXXXXX)
start_server "$NAME" "$PORT" 120 "$OUT/server.log" -XX:+PreserveFramePointer
client() { taskset -c 1 "$JAVA" "${JVM[@]}" -cp "$JAR" io.gevent4j.bench.load.EchoClient "$NAME" "$PORT" "$CONNS" "$@" 64 "$SERVER_PID"; }
client "$WARMUP" 1 >/dev/null # JIT warm-up, not looked at

# The measured client run: counts and samples start 0.5 s into it and last DURATION - 1 s.
SYSCALLS=read,recvfrom,write,sendto,readv,writev,epoll_ctl,epoll_wait,epoll_pwait,epoll_pwait2,fcntl,ioctl,futex
EVENTS=$(sed 's/\([a-z_0-9]*\)/syscalls:sys_enter_\1/g' <<<"$SYSCALLS"),context-switches,task-clock
client 0.5 "$DURATION" >"$OUT/client.txt" &
CLIENT=$!
sleep 0.5
window=$(awk -v d="$DURATION" 'BEGIN { printf "%.1f", (d - 1) / 2 }')
perf stat -e "$EVENTS" -p "$SERVER_PID" -o "$OUT/stat.txt" -- sleep "$window"
perf record -F 1999 -g -p "$SERVER_PID" -o "$OUT/perf.data" -- sleep "$window" 2>/dev/null
wait "$CLIENT"
"$JCMD" "$SERVER_PID" Compiler.perfmap >/dev/null # /tmp/perf-PID.map: names for the JIT's code

cat "$OUT/client.txt"
echo
echo "system calls of the server over $window s, and per request (= per send call of the server:"
echo "sendto, write or writev; each request is echoed by one):"
awk '/sys_enter_|context-switches/ {
    gsub(/,/, "", $1); name = $2; sub(/syscalls:sys_enter_/, "", name); n[name] = $1; order[++k] = name
    if (name == "sendto" || name == "write" || name == "writev") sends += $1 }
  END { for (i = 1; i <= k; i++) if (n[order[i]] > 0) printf "  %-16s %9d %6.2f\n", order[i], n[order[i]], sends ? n[order[i]] / sends : 0 }' "$OUT/stat.txt"
echo
echo "CPU profile of the server, self time, top $TOP symbols:"
perf report -i "$OUT/perf.data" --no-children --sort dso,sym -g none --percent-limit 0.3 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | head -n "$TOP" || true # head closes the pipe early
echo
echo "time under each system call, the loopback delivery (softirqs, inside the sends) and virtual-thread"
echo "switches (thaw/freeze), children included:"
perf report -i "$OUT/perf.data" --children --sort sym -g none 2>/dev/null | grep -v '^#' \
  | grep -E '\[k\] (__x64_sys_|ksys_read|handle_softirqs)|\[\.\] (thaw|freeze)' | head -n 20 || true
echo "(perf data and logs in $OUT)"
