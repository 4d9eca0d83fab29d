#!/usr/bin/env bash
# gevent4j HTTP load harness: hello world (13-byte body, keep-alive) under wrk.
#
# Side by side in one run: gevent4j's HttpServer on libev and on libuv, Netty's HTTP codec on
# its epoll transport and the JDK's own HttpServer with a virtual thread per request, all four
# serving the same response (the first and the last the very same HttpHandler, HelloHandler).
# Each server runs in its own JVM pinned to core 0; wrk (one thread, 50 connections) is pinned
# to core 1. Prints one table: requests/s, wrk's p50/p99 latency, each as a fraction of Netty's,
# and the server's CPU per request; writes it as results.tsv and as a chart, http.png
# (requests/s and server µs/request), in its output folder (printed at the start).
#
# It builds nothing: build the bench jar first (see common.sh's message). Needs wrk (apt).
# Usage: bench/load/http.sh                (WARMUP s of wrk first, not counted, then DURATION s)
# Knobs (environment): WARMUP=3 DURATION=10 CONNECTIONS=50 ROUNDS=1 PORT=17810
#   SERVERS="netty-http gevent4j-http-libev gevent4j-http-libuv jdk-http-virtual"
set -euo pipefail
cd "$(dirname "$0")/../.."

WARMUP=${WARMUP:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-50}
ROUNDS=${ROUNDS:-1}
PORT=${PORT:-17810}
SERVERS=${SERVERS:-"netty-http gevent4j-http-libev gevent4j-http-libuv jdk-http-virtual"}
# shellcheck source=common.sh
. bench/load/common.sh
command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"

LOGDIR=$(mktemp -d /tmp/gevent4j-http.XXXXXX)
exec > >(tee "$LOGDIR/run.txt")
lifetime=$(( (WARMUP + DURATION) * 2 + 60 ))
echo "gevent4j HTTP load harness: $("$JAVA" -version 2>&1 | head -n 1); $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2); -t1 -c$CONNECTIONS, ${WARMUP} s warm-up + ${DURATION} s, rounds: $ROUNDS"
echo "load before: $(uptime | sed 's/.*load average/load average/'); java processes: $(pgrep -c java || true)"
echo "logs and this output: $LOGDIR"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime of a process, in clock ticks
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; } # busy ticks, all cores
HZ=$(getconf CLK_TCK)

RESULTS=()
for round in $(seq 1 "$ROUNDS"); do
  read -r -a order <<<"$SERVERS"
  shift_by=$(( (round - 1) % ${#order[@]} ))
  for name in "${order[@]:shift_by}" "${order[@]:0:shift_by}"; do
    PORT=$((PORT + 1))
    start_server "$name" "$PORT" "$lifetime" "$LOGDIR/$name.$round.log"
    url="http://127.0.0.1:$PORT/"
    curl -sf "$url" | grep -q "Hello, World!" || die "$name does not answer $url with Hello, World!"
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "$url" >/dev/null # JIT warm-up, not counted
    s0=$(cpu_ticks "$SERVER_PID"); m0=$(machine_ticks)
    out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url")
    s1=$(cpu_ticks "$SERVER_PID"); m1=$(machine_ticks)
    echo "$out" >"$LOGDIR/$name.$round.wrk"
    grep -q "Non-2xx\|Socket errors" <<<"$out" && echo "  warning: $(grep -E 'Non-2xx|Socket errors' <<<"$out")"
    line=$(awk -v name="$name" -v s="$((s1 - s0))" -v m="$((m1 - m0))" -v hz="$HZ" -v d="$DURATION" '
      function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /s$/) return v * 1e6; return v }
      /^ +50%/ { p50 = us($2) } /^ +99%/ { p99 = us($2) }
      /^Requests\/sec:/ { rps = $2 }
      /requests in/ { n = $1 }
      END {
        server = s / hz; others = (m - s) / hz / d - 1 # wrk fills core 1: what is left is the rest of the machine
        if (others < 0) others = 0
        printf "RESULT label=%s rps=%s p50_us=%.1f p99_us=%.1f server_cpu=%.2f server_cpu_us_per_req=%.2f others_cpu=%.2f\n",
            name, rps, p50, p99, server / d, (n > 0 ? server * 1e6 / n : 0), others }' <<<"$out")
    echo "  $line"
    RESULTS+=("$line")
    stop_server
  done
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"

printf '%s\n' "${RESULTS[@]}" | awk -v servers="$SERVERS" -v tsv="$LOGDIR/results.tsv" '
  function field(k,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } }
  { k = field("label"); r = field("rps") + 0; runs[k]++
    if (!(k in best) || r > best[k]) {
      best[k] = r; p50[k] = field("p50_us"); p99[k] = field("p99_us"); scpu[k] = field("server_cpu")
      sreq[k] = field("server_cpu_us_per_req"); ocpu[k] = field("others_cpu")
    } }
  END {
    n = split(servers, sv, " "); netty = ("netty-http" in best) ? best["netty-http"] : 0
    printf "\n| %-19s | %9s | %7s | %8s | %8s | %6s | %7s | %6s |\n", "server", "req/s", "÷ netty", "p50 µs", "p99 µs", "server", "µs/req", "others"
    printf "|%s|%s|%s|%s|%s|%s|%s|%s|\n", "---------------------", "----------:", "--------:", "---------:", "---------:", "-------:", "--------:", "-------:"
    print "server\trps\tratio\tp50_us\tp99_us\tserver_cpu\tus_per_req\tothers\trounds" > tsv
    for (i = 1; i <= n; i++) {
      k = sv[i]; if (!(k in best)) continue
      ratio = netty > 0 ? sprintf("%.2f", best[k] / netty) : "-"
      printf "| %-19s | %9d | %7s | %8.1f | %8.1f | %5.0f%% | %7.2f | %6.2f |\n", k, best[k], ratio,
          p50[k], p99[k], 100 * scpu[k], sreq[k], ocpu[k]
      printf "%s\t%d\t%s\t%.1f\t%.1f\t%.2f\t%.2f\t%.2f\t%d\n", k, best[k], ratio, p50[k], p99[k], scpu[k], sreq[k], ocpu[k], runs[k] > tsv
    }
    print "\n(best of the rounds; server: CPU share of its core; µs/req: server CPU per request; others: cores used by the rest of the machine)"
  }'
chart "$LOGDIR/results.tsv" "$LOGDIR/http.png" "HTTP hello world, wrk -t1 -c$CONNECTIONS (bench/load/http.sh, ROUNDS=$ROUNDS, $(date -u +%Y-%m-%d))" \
  "rps=requests/s (best of $ROUNDS)" "us_per_req=server CPU µs/request"
