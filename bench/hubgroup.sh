#!/usr/bin/env bash
# HubGroup scaling harness: TCP echo and HTTP hello world served by gevent4j's HubGroup(N) and by
# Netty with N event loops, for every N in HUBS, side by side in one run.
#
# - echo: HubGroupEchoServer (HubGroup.serve: a StreamServer per hub on one port, SO_REUSEPORT)
#   against NettyEchoServer -Dbench.loops=N; the load harness's EchoClient (one Netty event loop,
#   64-byte closed-loop requests) drives ECHO_CONNECTIONS connections.
# - http: HubGroupHttpServerMain (an HttpServer per hub serving HelloHandler) against
#   NettyHttpServerMain -Dbench.loops=N; wrk -t$WRK_THREADS -c$HTTP_CONNECTIONS, keep-alive.
#
# Each server runs in its own JVM pinned to SERVER_CPUS, the client pinned to CLIENT_CPUS
# (taskset), one server after the other. Besides requests/s and latency it reports CPU time per
# request: the server JVM's (all its threads: /proc/PID/stat) and its loop threads' alone (the
# hub threads "hub-hubgroup-*", Netty's "multiThreadIoEventLoopGroup-*": /proc/PID/task/*/stat),
# so that a machine with fewer cores than the servers have hubs still shows what a request
# costs: HubGroup(N) should cost what HubGroup(1) costs (no cross-hub work per request).
#
# On 2 cores (the default: server on core 0, client on core 1), HubGroup(2) and Netty(2) run
# their two loops on one core: requests/s cannot grow with N there; CPU per request can still be
# compared. On a bigger machine give each side its cores, e.g.
#   SERVER_CPUS=0-3 CLIENT_CPUS=4-7 HUBS="1 2 4" WRK_THREADS=4 bench/hubgroup.sh
# (EchoClient uses one event loop, one core: for N > 2 the http figures are the better guide.)
#
# It builds nothing. Build the bench jar first (with the threading module of this tree):
#   ./dev mvn -o -q -pl hub,threading,bench package -DskipTests
#
# Usage: bench/hubgroup.sh                (3 s warm-up + 10 s measured per server and test; ~2.5 min)
# Knobs (environment): HUBS="1 2" SERVER_CPUS=0 CLIENT_CPUS=1 TESTS="echo http" ROUNDS=1
#   WARMUP=3 DURATION=10 ECHO_CONNECTIONS=100 HTTP_CONNECTIONS=50 WRK_THREADS=1 LOOP=libev
#   IMPLS="netty hubgroup" PORT=17910 (IMPLS may add "hub": one hub on the main thread, no group, the
#     load harness's GeventEchoServer / GeventHttpServerMain; N=1 only)
#   SYSCALLS=1: echo only, the server's system calls per request (perf stat over the middle of the
#     measured period; sc_write is the loops' eventfd wake-ups: a hub or event loop woken by
#     another thread), printed after the tables
set -euo pipefail
cd "$(dirname "$0")/.."

HUBS=${HUBS:-"1 2"}
SERVER_CPUS=${SERVER_CPUS:-0}
CLIENT_CPUS=${CLIENT_CPUS:-1}
TESTS=${TESTS:-"echo http"}
ROUNDS=${ROUNDS:-1}
WARMUP=${WARMUP:-3}
DURATION=${DURATION:-10}
ECHO_CONNECTIONS=${ECHO_CONNECTIONS:-100}
HTTP_CONNECTIONS=${HTTP_CONNECTIONS:-50}
WRK_THREADS=${WRK_THREADS:-1}
LOOP=${LOOP:-libev}
IMPLS=${IMPLS:-"netty hubgroup"}
PORT=${PORT:-17910}
SYSCALLS=${SYSCALLS:-0}
PERF_EVENTS=$(sed 's/\([a-z_0-9]*\)/syscalls:sys_enter_\1/g' <<<"read,recvfrom,write,sendto,writev,epoll_wait,epoll_pwait,epoll_pwait2,futex"),context-switches
# shellcheck source=load/common.sh
. bench/load/common.sh
case " $TESTS " in *" http "*) command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)" ;; esac
[ "$SYSCALLS" = 1 ] && { command -v perf >/dev/null || die "perf is missing (apt-get install linux-perf)"; }
unzip -l "$JAR" io/gevent4j/bench/load/HubGroupEchoServer.class >/dev/null || die "$JAR has no HubGroup servers: ./dev mvn -o -q -pl hub,threading,bench package -DskipTests"

LOOP_THREADS="hub-,multiThreadIoEv" # thread names as /proc keeps them (15 characters)
LOGDIR=$(mktemp -d /tmp/gevent4j-hubgroup.XXXXXX)
exec > >(tee "$LOGDIR/run.txt")
lifetime=$(( (WARMUP + DURATION) * 2 + 60 ))
echo "gevent4j HubGroup scaling harness: $("$JAVA" -version 2>&1 | head -n 1); $(nproc) cores; server on cpus $SERVER_CPUS, client on $CLIENT_CPUS"
echo "tests: $TESTS; N in: $HUBS; ${WARMUP} s warm-up + ${DURATION} s; echo: $ECHO_CONNECTIONS connections; http: wrk -t$WRK_THREADS -c$HTTP_CONNECTIONS; rounds: $ROUNDS; gevent.loop=$LOOP"
echo "load before: $(uptime | sed 's/.*load average/load average/'); java processes: $(pgrep -c java || true)"
echo "logs and this output: $LOGDIR"

main_of() { # test impl -> main class and its flags
  local p=io.gevent4j.bench.load
  case "$1:$2" in
    echo:hubgroup) echo "-Dgevent.loop=$LOOP -Dbench.hubs=$3 $p.HubGroupEchoServer" ;;
    echo:netty) echo "-Dbench.loops=$3 $p.NettyEchoServer" ;;
    echo:hub) echo "-Dgevent.loop=$LOOP $p.GeventEchoServer" ;;
    http:hubgroup) echo "-Dgevent.loop=$LOOP -Dbench.hubs=$3 $p.HubGroupHttpServerMain" ;;
    http:netty) echo "-Dbench.loops=$3 $p.NettyHttpServerMain" ;;
    http:hub) echo "-Dgevent.loop=$LOOP $p.GeventHttpServerMain" ;;
    *) die "unknown server $1:$2" ;;
  esac
}

# start_on TEST IMPL N PORT LOG: the server pinned to SERVER_CPUS; returns once it accepts.
start_on() {
  local test=$1 impl=$2 n=$3 port=$4 log=$5
  port_open "$port" && die "port $port is already in use"
  # shellcheck disable=SC2046
  taskset -c "$SERVER_CPUS" "$JAVA" "${JVM[@]}" -cp "$JAR" $(main_of "$test" "$impl" "$n") "$port" "$lifetime" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 150); do
    grep -q listening "$log" && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "$impl($n) did not start: $(cat "$log")"
    sleep 0.1
  done
  port_open "$port" || die "$impl($n) does not accept on $port after 15 s: $(cat "$log")"
  grep -m1 listening "$log"
}

HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime of a process
loop_ticks() { # utime + stime of the process's loop threads
  local t sum=0 comm
  for t in /proc/"$1"/task/*; do
    comm=$(cat "$t/comm" 2>/dev/null) || continue
    case "$comm" in hub-*|multiThreadIoEv*) sum=$((sum + $(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null || echo 0))) ;; esac
  done
  echo "$sum"
}
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; } # busy ticks, all cores
children_ticks() { # CPU of this shell's reaped children (wrk), in ticks: `times` must run in this very shell
  times >"$LOGDIR/times"
  awk -v hz="$HZ" 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d\n", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * hz }' "$LOGDIR/times"
}

run_echo() { # label n -> RESULT line
  local label=$1 n=$2 line out="$LOGDIR/echo.$label.$round.out" window syscalls=
  taskset -c "$CLIENT_CPUS" "$JAVA" "${JVM[@]}" -Dbench.serverThreads="$LOOP_THREADS" -cp "$JAR" io.gevent4j.bench.load.EchoClient \
      "$label" "$PORT" "$ECHO_CONNECTIONS" "$WARMUP" "$DURATION" 64 "$SERVER_PID" >"$out" 2>>"$LOGDIR/client.log" &
  local client=$!
  if [ "$SYSCALLS" = 1 ]; then
    # the server's system calls over the middle of the measured period, per request (one send per echo)
    window=$(awk -v d="$DURATION" 'BEGIN { printf "%.1f", d / 2 }')
    sleep "$(awk -v w="$WARMUP" -v d="$DURATION" 'BEGIN { printf "%.1f", w + 1 + d / 4 }')"
    perf stat -e "$PERF_EVENTS" -p "$SERVER_PID" -o "$LOGDIR/stat.$label.$round.txt" -- sleep "$window" 2>/dev/null
    syscalls=$(awk '/sys_enter_|context-switches/ {
        gsub(/,/, "", $1); name = $2; sub(/syscalls:sys_enter_/, "", name); sub(/context-switches/, "cs", name); n[name] += $1; order[++k] = name
        if (name == "sendto" || name == "writev") sends += $1 }
      END { for (i = 1; i <= k; i++) if (sends > 0) printf " sc_%s=%.3f", order[i], n[order[i]] / sends }' "$LOGDIR/stat.$label.$round.txt")
  fi
  wait "$client" || true
  line=$(grep '^RESULT' "$out" || true)
  [ -n "$line" ] || die "the echo client failed against $label: $(tail -n 3 "$LOGDIR/client.log")"
  echo "$line test=echo n=$n$syscalls"
}

run_http() { # label n -> RESULT line
  local label=$1 n=$2 url="http://127.0.0.1:$PORT/" out s0 s1 l0 l1 m0 m1 c0 c1
  curl -sf "$url" | grep -q "Hello, World!" || die "$label does not answer $url with Hello, World!"
  taskset -c "$CLIENT_CPUS" wrk -t"$WRK_THREADS" -c"$HTTP_CONNECTIONS" -d"${WARMUP}s" "$url" >/dev/null
  children_ticks >"$LOGDIR/c0"
  s0=$(cpu_ticks "$SERVER_PID"); l0=$(loop_ticks "$SERVER_PID"); m0=$(machine_ticks)
  out=$(taskset -c "$CLIENT_CPUS" wrk -t"$WRK_THREADS" -c"$HTTP_CONNECTIONS" -d"${DURATION}s" --latency "$url")
  s1=$(cpu_ticks "$SERVER_PID"); l1=$(loop_ticks "$SERVER_PID"); m1=$(machine_ticks)
  children_ticks >"$LOGDIR/c1"
  c0=$(cat "$LOGDIR/c0"); c1=$(cat "$LOGDIR/c1")
  echo "$out" >"$LOGDIR/$label.$round.wrk"
  grep -q "Non-2xx\|Socket errors" <<<"$out" && echo "  warning: $(grep -E 'Non-2xx|Socket errors' <<<"$out")" >&2
  awk -v label="$label" -v n="$n" -v s="$((s1 - s0))" -v l="$((l1 - l0))" -v m="$((m1 - m0))" -v c="$((c1 - c0))" -v hz="$HZ" -v d="$DURATION" '
    function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /s$/) return v * 1e6; return v }
    /^ +50%/ { p50 = us($2) } /^ +99%/ { p99 = us($2) }
    /^Requests\/sec:/ { rps = $2 }
    /requests in/ { reqs = $1 }
    END {
      others = (m - s - c) / hz / d; if (others < 0) others = 0
      printf "RESULT label=%s rps=%s p50_us=%.1f p99_us=%.1f client_cpu=%.2f server_cpu=%.2f server_cpu_us_per_req=%.2f server_threads_cpu_us_per_req=%.2f others_cpu=%.2f test=http n=%s\n",
          label, rps, p50, p99, c / hz / d, s / hz / d, (reqs > 0 ? s / hz * 1e6 / reqs : 0), (reqs > 0 ? l / hz * 1e6 / reqs : 0), others, n }' <<<"$out"
}

RESULTS=()
for round in $(seq 1 "$ROUNDS"); do
  for test in $TESTS; do
    # every (impl, N) once per round, the order rotated each round
    combos=()
    for n in $HUBS; do for impl in $IMPLS; do [ "$impl" = hub ] && [ "$n" != 1 ] || combos+=("$impl:$n"); done; done
    shift_by=$(( (round - 1) % ${#combos[@]} ))
    for combo in "${combos[@]:shift_by}" "${combos[@]:0:shift_by}"; do
      impl=${combo%%:*} n=${combo##*:}
      label="$impl($n)"
      PORT=$((PORT + 1)) # a fresh port per server: no TIME_WAIT or leftover listener in the way
      start_on "$test" "$impl" "$n" "$PORT" "$LOGDIR/$test.$impl.$n.$round.log"
      if [ "$test" = echo ]; then line=$(run_echo "$label" "$n"); else line=$(run_http "$label" "$n"); fi
      echo "  $line"
      RESULTS+=("round=$round $line")
      stop_server
    done
  done
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"

# One table per test: per server and N the best round (most requests/s; other processes on the
# machine can only slow a run down), every figure from that run, and the median requests/s.
# "÷ netty(N)": requests/s over Netty's with as many event loops; "µs/req": the server JVM's CPU
# per request; "loop µs/req": its loop threads' alone; "÷ N=1": loop µs/req over the same
# server's with N=1 (1.00: a request costs the same with N hubs as with one).
printf '%s\n' "${RESULTS[@]}" | awk -v tests="$TESTS" -v hubs="$HUBS" -v impls="$IMPLS" '
  function field(k,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } }
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { k = field("test") SUBSEP field("label"); r = field("rps") + 0
    all[k] = all[k] " " r; runs[k]++
    if (!(k in best) || r > best[k]) {
      best[k] = r; p50[k] = field("p50_us"); p99[k] = field("p99_us"); scpu[k] = field("server_cpu"); ccpu[k] = field("client_cpu")
      sreq[k] = field("server_cpu_us_per_req"); lreq[k] = field("server_threads_cpu_us_per_req"); ocpu[k] = field("others_cpu")
    } }
  END {
    nt = split(tests, tv, " "); nh = split(hubs, hv, " "); ni = split(impls, iv, " ")
    for (t = 1; t <= nt; t++) {
      printf "\n%s\n\n| %-12s | %9s | %12s | %8s | %8s | %13s | %6s | %6s | %7s | %11s | %6s | %6s |\n", tv[t], "server", "req/s", "÷ netty(N)",
          "p50 µs", "p99 µs", "median req/s", "server", "client", "µs/req", "loop µs/req", "÷ N=1", "others"
      printf "|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", "--------------", "----------:", "-------------:", "---------:", "---------:",
          "--------------:", "-------:", "-------:", "--------:", "------------:", "-------:", "-------:"
      for (h = 1; h <= nh; h++) for (i = 1; i <= ni; i++) {
        label = iv[i] "(" hv[h] ")"; k = tv[t] SUBSEP label; if (!(k in best)) continue
        nk = tv[t] SUBSEP "netty(" hv[h] ")"; ratio = (nk in best && best[nk] > 0) ? sprintf("%.2f", best[k] / best[nk]) : "-"
        ok = tv[t] SUBSEP iv[i] "(" hv[1] ")"; scale = (ok in lreq && lreq[ok] > 0) ? sprintf("%.2f", lreq[k] / lreq[ok]) : "-"
        printf "| %-12s | %9d | %12s | %8.1f | %8.1f | %8d of %d | %5.0f%% | %5.0f%% | %7.2f | %11.2f | %6s | %6.2f |\n", label, best[k], ratio,
            p50[k], p99[k], median(all[k]), runs[k], 100 * scpu[k], 100 * ccpu[k], sreq[k], lreq[k], scale, ocpu[k]
      }
    }
    print "\n(best of the rounds; server/client: CPU used, in % of one core; µs/req: server JVM CPU per request; loop µs/req: its loop threads only;"
    print " ÷ N=1: loop µs/req over the same server with the first N; others: cores used by the rest of the machine)"
  }'
if [ "$SYSCALLS" = 1 ]; then
  echo
  echo "echo: the server's system calls per request (per send; the best round's; cs: context switches):"
  printf '%s\n' "${RESULTS[@]}" | awk '
    function field(k,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } }
    field("test") == "echo" { k = field("label"); r = field("rps") + 0
      if (!(k in best) || r > best[k]) { best[k] = r; line[k] = ""; for (i = 1; i <= NF; i++) if ($i ~ /^sc_/) line[k] = line[k] " " substr($i, 4) }
      if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
    END { for (i = 1; i <= n; i++) printf "  %-12s%s\n", order[i], line[order[i]] }'
fi
