#!/usr/bin/env bash
# gevent4j load harness: TCP echo, 64-byte messages, closed loop, on 127.0.0.1.
#
# Side by side in one run: gevent4j on libev and on libuv, Netty's epoll transport and a JDK
# virtual-thread server. Each server runs in its own JVM pinned to core 0 (taskset -c 0); the
# client (io.gevent4j.bench.load.EchoClient, the same for every server: one Netty epoll event
# loop) runs in its own JVM pinned to core 1, for 1 and for 100 connections. Prints one table:
# requests/s, p50 and p99 latency, and each server's requests/s as a fraction of Netty's; writes
# it as results.tsv and as a chart, echo.png (requests/s and server µs/request), in its output
# folder (printed at the start).
#
# It builds nothing. Build the bench jar first:
#   export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
#   ./mvnw -q -pl native,hub,sync,greenlet,io,bench install -DskipTests
#
# Usage: bench/load/run.sh            (3 s warm-up + 10 s measured per client run; ~2.5 min)
# Knobs (environment): WARMUP=3 DURATION=10 (whole seconds) CONNECTIONS="1 100" ROUNDS=1 PORT=17710
#   SERVERS="netty-epoll gevent4j-libev gevent4j-libuv jdk-virtual" SIZE=64
#   (also loop-libev, loop-libuv: gevent4j's native loop without greenlets, the floor)
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
# shellcheck source=common.sh
. bench/load/common.sh

LOGDIR=$(mktemp -d /tmp/gevent4j-load.XXXXXX)
exec > >(tee "$LOGDIR/run.txt") # everything printed is kept with the logs

n_conns=$(wc -w <<<"$CONNECTIONS")
lifetime=$(( (WARMUP + DURATION + 40) * n_conns + 30 ))
echo "gevent4j load harness: $("$JAVA" -version 2>&1 | head -n 1); ${WARMUP} s warm-up + ${DURATION} s per client run, ${SIZE}-byte messages, rounds: $ROUNDS"
echo "load before: $(uptime | sed 's/.*load average/load average/'); java processes: $(pgrep -c java || true)"
echo "logs and this output: $LOGDIR"

RESULTS=()
for round in $(seq 1 "$ROUNDS"); do
  # rotate the order each round, so that no server always runs first or last
  read -r -a order <<<"$SERVERS"
  shift_by=$(( (round - 1) % ${#order[@]} ))
  for name in "${order[@]:shift_by}" "${order[@]:0:shift_by}"; do
    PORT=$((PORT + 1)) # a fresh port per server: no TIME_WAIT or leftover listener in the way
    log="$LOGDIR/$name.$round.log"
    start_server "$name" "$PORT" "$lifetime" "$log"
    for c in $CONNECTIONS; do
      line=$(taskset -c 1 "$JAVA" "${JVM[@]}" -cp "$JAR" io.gevent4j.bench.load.EchoClient \
          "$name" "$PORT" "$c" "$WARMUP" "$DURATION" "$SIZE" "$SERVER_PID" 2>>"$LOGDIR/client.log" | grep '^RESULT' || true)
      [ -n "$line" ] || die "the client failed against $name with $c connections: $(tail -n 3 "$LOGDIR/client.log")"
      echo "  $line"
      RESULTS+=("round=$round $line")
    done
    stop_server
  done
done
echo "load after: $(uptime | sed 's/.*load average/load average/')"

# One table, per server and connection count: the best of the rounds (the run with the most
# requests/s; other processes on this 2-core machine can only slow a run down), all its figures
# from that run, plus the median requests/s over the rounds. "÷ netty" is the best requests/s
# over Netty's best. CPU: the share of its core each side used while measured, the server's CPU
# time per request, and what the rest of the machine used meanwhile ("others", in cores: near 0
# for an undisturbed run). When the client's core is full, requests/s is the client's limit and
# the server's CPU per request is what tells the servers apart.
printf '%s\n' "${RESULTS[@]}" | awk -v servers="$SERVERS" -v conns="$CONNECTIONS" -v tsv="$LOGDIR/results.tsv" '
  function field(k,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } }
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { k = field("label") SUBSEP field("connections"); r = field("rps") + 0
    all[k] = all[k] " " r; runs[k]++
    if (!(k in best) || r > best[k]) {
      best[k] = r; p50[k] = field("p50_us"); p99[k] = field("p99_us"); scpu[k] = field("server_cpu")
      ccpu[k] = field("client_cpu"); sreq[k] = field("server_cpu_us_per_req"); ocpu[k] = field("others_cpu")
    } }
  END {
    ns = split(servers, sv, " "); nc = split(conns, cv, " ")
    printf "\n| %-15s | %5s | %9s | %7s | %9s | %9s | %13s | %6s | %6s | %7s | %6s |\n", "server", "conns", "req/s", "÷ netty",
        "p50 µs", "p99 µs", "median req/s", "server", "client", "µs/req", "others"
    printf "|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", "-----------------", "------:", "----------:", "--------:",
        "----------:", "----------:", "--------------:", "-------:", "-------:", "--------:", "-------:"
    print "server\tconns\trps\tratio\tp50_us\tp99_us\tmedian_rps\trounds\tserver_cpu\tclient_cpu\tus_per_req\tothers" > tsv
    for (c = 1; c <= nc; c++) {
      nk = "netty-epoll" SUBSEP cv[c]; netty = (nk in best) ? best[nk] : 0
      for (s = 1; s <= ns; s++) {
        k = sv[s] SUBSEP cv[c]; if (!(k in best)) continue
        ratio = "-"
        if (netty > 0) ratio = sprintf("%.2f", best[k] / netty)
        printf "| %-15s | %5s | %9d | %7s | %9.1f | %9.1f | %9d of %d | %5.0f%% | %5.0f%% | %7.2f | %6.2f |\n", sv[s], cv[c], best[k], ratio,
            p50[k], p99[k], median(all[k]), runs[k], 100 * scpu[k], 100 * ccpu[k], sreq[k], ocpu[k]
        printf "%s\t%s\t%d\t%s\t%.1f\t%.1f\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\n", sv[s], cv[c], best[k], ratio, p50[k], p99[k],
            median(all[k]), runs[k], scpu[k], ccpu[k], sreq[k], ocpu[k] > tsv
      }
    }
    print "\n(best of the rounds; server/client: CPU share of their core; µs/req: server CPU per request; others: cores used by the rest of the machine)"
  }'
chart "$LOGDIR/results.tsv" "$LOGDIR/echo.png" "TCP echo, ${SIZE}-byte messages, closed loop (bench/load/run.sh, ROUNDS=$ROUNDS, $(date -u +%Y-%m-%d))" \
  "rps=requests/s (best of $ROUNDS)" "us_per_req=server CPU µs/request"
