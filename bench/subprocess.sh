#!/usr/bin/env bash
# gevent4j subprocess benchmark: process spawning and pipe throughput, side by side in one JVM.
#
# gevent4j's Popen (in greenlets of a libev hub and of a libuv hub), java.lang.ProcessBuilder
# (on platform threads and on virtual threads) and NuProcess, interleaved: a warm-up pass, then
# ROUNDS rounds of every variant, the order rotated each round. Spawn: /bin/true started and
# waited for SPAWNS times, one after the other and CONCURRENCY at a time. Pipe: the child writes
# MIB MiB to its stdout (head -c ... /dev/zero) and the parent reads all of it, TRANSFERS times
# (a child each) per round. Prints a RESULT
# line per variant and round, then one table: the best round of each variant, the median, and
# the CPU time per spawn or per MB of the JVM and of its children
# (io.gevent4j.bench.subprocess.SpawnBenchmark says what each variant does).
#
# It builds nothing. Build the bench jar first:
#   ./dev mvn -q -pl native,hub,sync,greenlet,subprocess,bench -am package -DskipTests -Dcmake.test.skip=true
#
# Usage: bench/subprocess.sh          (5 rounds: ~2 min on 2 cores)
# Knobs (environment): ROUNDS=5 SPAWNS=1000 CONCURRENCY=50 MIB=100 TRANSFERS=5
#   STDIO=inherit (the children of gevent4j and the JDK get the JVM's stdin/stdout/stderr) or
#   STDIO=pipe (three pipes, as NuProcess always makes); ONLY=REGEX (variants whose name matches)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
SPAWNS=${SPAWNS:-1000}
CONCURRENCY=${CONCURRENCY:-50}
MIB=${MIB:-100}
TRANSFERS=${TRANSFERS:-5}
STDIO=${STDIO:-inherit}
ONLY=${ONLY:-.}
JAR=bench/target/benchmarks.jar

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# JAVA (a JDK >= 25) and JVM_FLAGS (the root pom's gevent4j.jvmFlags), found by ./dev as for
# everything else; ./dev has said why when it fails.
DEV_ENV=$(./dev env) || exit 1
eval "$DEV_ENV"
[ -f "$JAR" ] || die "$JAR is missing: build it first: ./dev mvn -q -pl native,hub,sync,greenlet,subprocess,bench -am package -DskipTests -Dcmake.test.skip=true"
[ -x /bin/true ] || die "/bin/true is missing"

LOGDIR=$(mktemp -d /tmp/gevent4j-subprocess.XXXXXX)
exec > >(tee "$LOGDIR/run.txt") # everything printed is kept
echo "load before: $(uptime | sed 's/.*load average/load average/'); java processes: $(pgrep -c java || true)"
echo "output kept in $LOGDIR/run.txt"

# What greenlets need, and a fixed heap big enough for communicate's and readAllBytes' 100 MiB
# (collected in memory, then copied once more into the result).
"$JAVA" "${JVM_FLAGS[@]}" -Xms1g -Xmx1g -cp "$JAR" io.gevent4j.bench.subprocess.SpawnBenchmark \
    --rounds "$ROUNDS" --spawns "$SPAWNS" --concurrency "$CONCURRENCY" --mib "$MIB" --transfers "$TRANSFERS" --stdio "$STDIO" --only "$ONLY"
echo "load after: $(uptime | sed 's/.*load average/load average/')"
