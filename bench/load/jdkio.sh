#!/usr/bin/env bash
# JDK blocking I/O in greenlets (docs/hub.md, "JDK I/O in greenlets"), side by side in one run:
#
# 1. TCP echo (64 bytes, closed loop, CONNECTIONS connections), each server in its own JVM pinned
#    to core 0, the client (EchoClient) pinned to core 1, the servers in turn, rounds interleaved
#    (the order rotates each round):
#      gevent4j-libev      gevent4j's own Socket (GeventEchoServer)
#      jdk-greenlets-hub   ServerSocket/Socket in greenlets, gevent.jdkPollers=hub (the default)
#      jdk-greenlets-jdk   the same, gevent.jdkPollers=jdk (the JDK's pollers, started by the hub)
#      jdk-virtual         ServerSocket and a virtual thread per connection, default scheduler
#      jdk-virtual-hub     the same in a JVM where a gevent4j hub was made first (its pollers)
#    and on request: jdk-greenlets-mode1, jdk-virtual-mode1 (jdk.pollerMode=1: platform poller
#    threads), jdk-greenlets-before and jdk-greenlets-pollerhub-before (need BEFORE_JAR: an
#    earlier build's bench jar, e.g. the commit before gevent.jdkPollers: the JDK's pollers then
#    start wherever the first virtual thread to wait runs; here the serving hub, or a hub of
#    their own).
# 2. The JDK's HttpClient from 50 greenlets of one hub (HttpClientBench, core 1) against
#    gevent4j's HttpServer (core 0): its default executor against the hub as its executor;
#    requests/s and what crosses into the hub from other threads per request.
# 3. A greenlet holding its hub for 1 s (JdkIoHogBench, unpinned): the worst gap between JDK
#    socket round trips of a greenlet of another hub and of a plain virtual thread, on each
#    route (and on BEFORE_JAR's gevent4j when given).
#
# Parts 1 and 2 also write their tables as TSV (echo.tsv, httpclient.tsv) and as charts
# (jdkio-echo.png, jdkio-httpclient.png: requests/s and CPU µs/request) in the output folder.
#
# It builds nothing: build the bench jar first (common.sh's message says how).
# Usage: bench/load/jdkio.sh
# Knobs (environment): ROUNDS=5 WARMUP=3 DURATION=10 CONNECTIONS=100 PORT=17910 SIZE=64
#   SERVERS="gevent4j-libev jdk-greenlets-hub jdk-greenlets-jdk jdk-virtual jdk-virtual-hub"
#   HTTP_ROUNDS=3 HTTP_EXECUTORS="default hub" GREENLETS=50 BEFORE_JAR=
#   PART="echo http hog" (any of them)
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-5}
WARMUP=${WARMUP:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-100}
PORT=${PORT:-17910}
SIZE=${SIZE:-64}
SERVERS=${SERVERS:-"gevent4j-libev jdk-greenlets-hub jdk-greenlets-jdk jdk-virtual jdk-virtual-hub"}
HTTP_ROUNDS=${HTTP_ROUNDS:-3}
HTTP_EXECUTORS=${HTTP_EXECUTORS:-"default hub"}
GREENLETS=${GREENLETS:-50}
PART=${PART:-"echo http hog"}
# shellcheck source=common.sh
. bench/load/common.sh

LOGDIR=$(mktemp -d /tmp/gevent4j-jdkio.XXXXXX)
exec > >(tee "$LOGDIR/run.txt")
lifetime=$(( (WARMUP + DURATION) * 3 + 60 ))
echo "gevent4j JDK I/O in greenlets: $("$JAVA" -version 2>&1 | head -n 1); ${WARMUP} s warm-up + ${DURATION} s per run, rounds: $ROUNDS (echo), $HTTP_ROUNDS (http)"
echo "load before: $(uptime | sed 's/.*load average/load average/'); java processes: $(pgrep -c java || true)"
[ -n "${BEFORE_JAR:-}" ] && echo "BEFORE_JAR: $BEFORE_JAR"
echo "logs and this output: $LOGDIR"

if [[ " $PART " == *" echo "* ]]; then
  RESULTS=()
  for round in $(seq 1 "$ROUNDS"); do
    read -r -a order <<<"$SERVERS"
    shift_by=$(( (round - 1) % ${#order[@]} ))
    for name in "${order[@]:shift_by}" "${order[@]:0:shift_by}"; do
      PORT=$((PORT + 1))
      start_server "$name" "$PORT" "$lifetime" "$LOGDIR/$name.$round.log"
      line=$(taskset -c 1 "$JAVA" "${JVM[@]}" -cp "$JAR" io.gevent4j.bench.load.EchoClient \
          "$name" "$PORT" "$CONNECTIONS" "$WARMUP" "$DURATION" "$SIZE" "$SERVER_PID" 2>>"$LOGDIR/client.log" | grep '^RESULT' || true)
      [ -n "$line" ] || die "the client failed against $name: $(tail -n 3 "$LOGDIR/client.log")"
      echo "  round $round: $line"
      RESULTS+=("$line")
      stop_server
    done
  done

  # Per server: the best round's requests/s (other processes can only slow a run down) and the
  # median over the rounds; the server's CPU per request, median and lowest over the rounds, and
  # the median as a multiple of gevent4j's own Socket's median.
  printf '%s\n' "${RESULTS[@]}" | awk -v servers="$SERVERS" -v tsv="$LOGDIR/echo.tsv" '
    function field(k,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } }
    function median(list,   a, n, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { k = field("label"); r = field("rps") + 0; u = field("server_cpu_us_per_req") + 0; o = field("others_cpu") + 0
      rps[k] = rps[k] " " r; us[k] = us[k] " " u; runs[k]++; oth[k] = oth[k] " " o; p50[k] = p50[k] " " field("p50_us")
      if (!(k in best) || r > best[k]) best[k] = r
      if (!(k in low) || u < low[k]) low[k] = u }
    END {
      ns = split(servers, sv, " "); base = ("gevent4j-libev" in best) ? median(us["gevent4j-libev"]) : 0
      printf "\n| %-30s | %9s | %12s | %12s | %12s | %9s | %15s | %13s |\n", "server", "req/s", "median req/s", "p50 µs (med)", "µs/req (med)", "µs/req min", "÷ gevent4j (med)", "others (med)"
      printf "|%s|%s|%s|%s|%s|%s|%s|%s|\n", "--------------------------------", "----------:", "-------------:", "-------------:", "-------------:", "----------:", "-----------------:", "--------------:"
      print "server\trps\tmedian_rps\tp50_us_median\tus_per_req_median\tus_per_req_min\tratio_median\tothers_median" > tsv
      for (s = 1; s <= ns; s++) {
        k = sv[s]; if (!(k in best)) continue
        m = median(us[k]); ratio = base > 0 ? sprintf("%.2f", m / base) : "-"
        printf "| %-30s | %9d | %12d | %12.1f | %12.2f | %9.2f | %15s | %13.2f |\n", k, best[k], median(rps[k]), median(p50[k]), m, low[k], ratio, median(oth[k])
        printf "%s\t%d\t%d\t%.1f\t%.2f\t%.2f\t%s\t%.2f\n", k, best[k], median(rps[k]), median(p50[k]), m, low[k], ratio, median(oth[k]) > tsv
      }
      print "\n(" runs[sv[1]] " rounds; µs/req: the server process'"'"'s CPU time per request; others: cores the rest of the machine used)"
    }'
  chart "$LOGDIR/echo.tsv" "$LOGDIR/jdkio-echo.png" \
    "JDK sockets in greenlets: TCP echo, $CONNECTIONS connections (bench/load/jdkio.sh, ROUNDS=$ROUNDS, $(date -u +%Y-%m-%d))" \
    "rps=requests/s (best of $ROUNDS)" "us_per_req_median=server CPU µs/request (median)"
fi

if [[ " $PART " == *" http "* ]]; then
  PORT=$((PORT + 1))
  start_server gevent4j-http-libev "$PORT" $(( (WARMUP + DURATION + 10) * HTTP_ROUNDS * 2 + 60 )) "$LOGDIR/http-server.log"
  url="http://127.0.0.1:$PORT/"
  HTTP=()
  for round in $(seq 1 "$HTTP_ROUNDS"); do
    for executor in $HTTP_EXECUTORS; do
      line=$(taskset -c 1 "$JAVA" "${JVM[@]}" -cp "$JAR" io.gevent4j.bench.load.HttpClientBench \
          "httpclient-$executor" "$url" "$executor" "$GREENLETS" "$WARMUP" "$DURATION" 2>>"$LOGDIR/httpclient.log" | grep '^RESULT' || true)
      [ -n "$line" ] || die "HttpClientBench ($executor) failed: $(tail -n 3 "$LOGDIR/httpclient.log")"
      echo "  round $round: $line"
      HTTP+=("$line")
    done
  done
  stop_server
  printf '%s\n' "${HTTP[@]}" | awk -v executors="$HTTP_EXECUTORS" -v tsv="$LOGDIR/httpclient.tsv" '
    function field(k,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } }
    function median(list,   a, n, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { k = field("executor"); r = field("rps") + 0; rps[k] = rps[k] " " r
      cpu[k] = cpu[k] " " field("client_cpu_us_per_req"); hin[k] = hin[k] " " field("handed_in_per_req")
      wk[k] = wk[k] " " field("loop_wakeups_per_req"); cs[k] = cs[k] " " field("ctx_switches_per_req")
      if (!(k in best) || r > best[k]) best[k] = r }
    END {
      n = split(executors, ev, " ")
      printf "\n| %-16s | %9s | %12s | %15s | %22s | %19s | %22s |\n", "HttpClient executor", "req/s", "median req/s", "client µs/req", "handed to the hub/req", "loop wake-ups/req", "context switches/req"
      printf "|%s|%s|%s|%s|%s|%s|%s|\n", "------------------", "----------:", "-------------:", "----------------:", "-----------------------:", "--------------------:", "-----------------------:"
      print "executor\trps\tmedian_rps\tclient_us_per_req_median\thanded_in_per_req_median\tloop_wakeups_per_req_median\tctx_switches_per_req_median" > tsv
      for (e = 1; e <= n; e++) {
        k = ev[e]; if (!(k in best)) continue
        printf "| %-16s | %9d | %12d | %15.2f | %22.2f | %19.2f | %22.2f |\n", k, best[k], median(rps[k]), median(cpu[k]), median(hin[k]), median(wk[k]), median(cs[k])
        printf "httpclient-%s\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\n", k, best[k], median(rps[k]), median(cpu[k]), median(hin[k]), median(wk[k]), median(cs[k]) > tsv
      }
      print "\n(medians over the rounds but req/s; handed to the hub: greenlets unparked and tasks submitted by other threads; loop wake-ups: those that woke the hub from its poll; context switches: voluntary, every thread of the client JVM)"
    }'
  chart "$LOGDIR/httpclient.tsv" "$LOGDIR/jdkio-httpclient.png" \
    "the JDK's HttpClient from $GREENLETS greenlets (bench/load/jdkio.sh, HTTP_ROUNDS=$HTTP_ROUNDS, $(date -u +%Y-%m-%d))" \
    "rps=requests/s (best of $HTTP_ROUNDS)" "client_us_per_req_median=client CPU µs/request (median)"
fi
if [[ " $PART " == *" hog "* ]]; then
  echo
  variants=("hub|$JAR|-Dgevent.jdkPollers=hub" "jdk|$JAR|-Dgevent.jdkPollers=jdk")
  [ -n "${BEFORE_JAR:-}" ] && variants+=("before|$BEFORE_JAR:$JAR|-Dunused=1")
  for v in "${variants[@]}"; do
    IFS='|' read -r label cp flag <<<"$v"
    for round in $(seq 1 "$HTTP_ROUNDS"); do
      line=$("$JAVA" "${JVM[@]}" "$flag" -cp "$cp" io.gevent4j.bench.load.JdkIoHogBench "hog-$label" 1 2>>"$LOGDIR/hog.log" | grep '^RESULT' || true)
      [ -n "$line" ] || die "JdkIoHogBench ($label) failed: $(tail -n 3 "$LOGDIR/hog.log")"
      echo "  round $round: $line"
    done
  done
fi
echo "load after: $(uptime | sed 's/.*load average/load average/')"
