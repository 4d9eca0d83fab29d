#!/usr/bin/env bash
# gevent4j DNS benchmark: name lookups side by side in one JVM, against a local dnsmasq.
#
# gevent4j's resolvers in greenlets (thread: glibc's getaddrinfo on the hub's thread pool; ares:
# c-ares driven by the hub's watchers, on a libev hub and on a libuv hub; dnsjava: dnsjava's
# messages over gevent4j's cooperative UDP sockets), Netty's DnsNameResolver (epoll; lookups
# started from the main thread under a semaphore, and started on the event loop itself) and the
# JDK's InetAddress.getAllByName on virtual threads. Each round every variant resolves LOOKUPS
# distinct names (n0.test ...), each once (A and AAAA), CONCURRENCY at a time, with a fresh
# resolver; every answer is checked. WARMUP passes, then ROUNDS rounds, the order rotated each
# round; a RESULT line per variant and round, then one table (io.gevent4j.bench.dns.ResolveBenchmark
# says what each variant does and what each column is).
#
# glibc (behind `thread` and the JDK) reads its nameserver from /etc/resolv.conf and asks it on
# port 53; it cannot be pointed at a server on another port. So the whole run happens in a
# network and mount namespace of its own (unshare, hence root): only a loopback interface, where
# dnsmasq serves the zone on 127.0.0.1:53, and /etc/resolv.conf, /etc/hosts and
# /etc/nsswitch.conf bind-mounted (in that namespace only) with "nameserver 127.0.0.1", a hosts
# file with localhost alone and "hosts: files dns". Every variant asks that one dnsmasq; nothing
# outside the namespace is touched or seen.
#
# Receive buffers: a round starts with 100 lookups at once, 200 queries. With the system's default
# socket receive buffer (net.core.rmem_default, 208 KiB here), that first burst overflows dnsmasq's
# socket when 100 threads send it (`thread`, the JDK) and Netty's when dnsmasq answers it: 6 or 7
# datagrams dropped a round, each costing its lookup the 5 s timeout (Netty's lookup then fails:
# docs/benchmarks.md, "DNS"). So dnsmasq's socket gets RCVBUF bytes (see below) and Netty's
# NETTY_RCVBUF; the others keep the default. The table's "datagrams" column shows any drop.
#
# It builds nothing. Build the bench jar first:
#   ./dev mvn -q -pl bench package -DskipTests
#
# Usage: bench/dns.sh          (5 rounds: ~20 s on 2 cores)
# Knobs (environment): ROUNDS=5 WARMUP=3 LOOKUPS=10000 CONCURRENCY=100 THREADPOOL=$CONCURRENCY
#   (threads of the hub's pool, where `thread` runs getaddrinfo; gevent's default is 10)
#   RCVBUF=4194304 and NETTY_RCVBUF=4194304 (SO_RCVBUF of dnsmasq's and of Netty's UDP socket,
#   bytes; 0: the system's default) ONLY=REGEX (variants whose name matches) JAVA_OPTS (more JVM
#   flags, e.g. -XX:StartFlightRecording=...)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
WARMUP=${WARMUP:-3}
LOOKUPS=${LOOKUPS:-10000}
CONCURRENCY=${CONCURRENCY:-100}
THREADPOOL=${THREADPOOL:-$CONCURRENCY}
RCVBUF=${RCVBUF:-4194304}
NETTY_RCVBUF=${NETTY_RCVBUF:-4194304}
ONLY=${ONLY:-.}
JAR=bench/target/benchmarks.jar

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

if [ -z "${GEVENT4J_DNS_BENCH_DIR:-}" ]; then
  # Outside the namespace: check what is needed, then run this script again inside one.
  # JAVA (a JDK >= 25) and JVM_FLAGS (the root pom's gevent4j.jvmFlags), found by ./dev as for
  # everything else (it also installs dnsmasq-base when missing); ./dev has said why when it fails.
  ./dev env >/dev/null || exit 1
  [ -f "$JAR" ] || die "$JAR is missing: build it first: ./dev mvn -q -pl bench package -DskipTests"
  command -v dnsmasq >/dev/null || die "dnsmasq is missing: ./dev installs it (Debian's dnsmasq-base)"
  command -v unshare >/dev/null && command -v ip >/dev/null || die "unshare (util-linux) and ip (iproute2) are needed"
  [ "$(id -u)" -eq 0 ] || die "run it as root: it makes a network and mount namespace of its own (unshare)," \
      "where dnsmasq is the system's nameserver on 127.0.0.1:53"
  [ "$LOOKUPS" -ge 1 ] && [ "$LOOKUPS" -le 65536 ] || die "LOOKUPS must be 1 to 65536 (the zone is 10.1.0.0/16)"
  GEVENT4J_DNS_BENCH_DIR=$(mktemp -d /tmp/gevent4j-dns.XXXXXX)
  export GEVENT4J_DNS_BENCH_DIR
  exec unshare --mount --net --propagation private "$0" "$@"
fi

# Inside the namespace.
DIR=$GEVENT4J_DNS_BENCH_DIR
DEV_ENV=$(./dev env) || exit 1
eval "$DEV_ENV"
ip link set lo up

# The zone: nI.test -> 10.1.(I >> 8).(I & 255), the address ResolveBenchmark expects.
awk -v n="$LOOKUPS" 'BEGIN { for (i = 0; i < n; i++) printf "10.1.%d.%d n%d.test\n", int(i / 256), i % 256, i }' > "$DIR/zone"
printf 'nameserver 127.0.0.1\noptions timeout:5 attempts:2\n' > "$DIR/resolv.conf"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' > "$DIR/hosts"
printf 'hosts: files dns\n' > "$DIR/nsswitch.conf"
for f in resolv.conf hosts nsswitch.conf; do mount --bind "$DIR/$f" "/etc/$f"; done

# dnsmasq's UDP socket gets a receive buffer of RCVBUF bytes (LD_PRELOAD of a bind() that sets
# SO_RCVBUF first: dnsmasq has no option for it; net.core.rmem_default is global, a namespace
# cannot change it). With the default, a round's first burst from 100 threads (`thread`, the
# JDK: 200 queries) overflows it, and each query dropped costs glibc its 5 s retry timer, which
# then is the round's time. Servers meant for load set more (unbound's documentation suggests
# 4 MB). RCVBUF=0: the default.
PRELOAD=
if [ "$RCVBUF" != 0 ]; then
  cat > "$DIR/rcvbuf.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/socket.h>

/* bind(2), after setting SO_RCVBUF to $RCVBUF on a datagram socket. */
int bind(int fd, const struct sockaddr *address, socklen_t length) {
  static int (*real)(int, const struct sockaddr *, socklen_t);
  if (!real) real = (int (*)(int, const struct sockaddr *, socklen_t)) dlsym(RTLD_NEXT, "bind");
  int type;
  socklen_t size = sizeof type;
  const char *bytes = getenv("RCVBUF");
  if (bytes && getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size) == 0 && type == SOCK_DGRAM) {
    int n = atoi(bytes);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &n, sizeof n);
  }
  return real(fd, address, length);
}
C
  command -v gcc >/dev/null || die "gcc is missing (./dev installs it); or RCVBUF=0"
  gcc -shared -fPIC -O2 -o "$DIR/rcvbuf.so" "$DIR/rcvbuf.c" -ldl
  PRELOAD=$DIR/rcvbuf.so
fi

# dnsmasq answers from the zone only (nothing forwarded; NXDOMAIN for other names under test.).
# A fresh namespace: nothing else can be on port 53.
RCVBUF=$RCVBUF LD_PRELOAD=$PRELOAD dnsmasq --keep-in-foreground --conf-file=/dev/null --port=53 --listen-address=127.0.0.1 --bind-interfaces \
    --no-resolv --no-hosts --no-negcache --addn-hosts="$DIR/zone" --local=/test/ --local-ttl=30 --cache-size=0 \
    --user="$(id -un)" --pid-file= --log-facility="$DIR/dnsmasq.log" &
DNSMASQ=$!
trap 'kill "$DNSMASQ" 2>/dev/null; wait "$DNSMASQ" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q "read $DIR/zone" "$DIR/dnsmasq.log" 2>/dev/null && break
  kill -0 "$DNSMASQ" 2>/dev/null || die "dnsmasq exited: $(cat "$DIR/dnsmasq.log" 2>/dev/null)"
  sleep 0.1
done
grep -q "read $DIR/zone" "$DIR/dnsmasq.log" || die "dnsmasq did not load the zone in 10 s: $(cat "$DIR/dnsmasq.log")"
# The system resolver asks it: the last name through getent (glibc's getaddrinfo, as `thread` and the JDK).
last=$((LOOKUPS - 1))
want="10.1.$((last / 256)).$((last % 256))"
got=$(getent ahosts "n$last.test" | awk 'NR == 1 { print $1 }')
[ "$got" = "$want" ] || die "getent ahosts n$last.test gave '$got', not $want: the system resolver does not reach dnsmasq"

exec > >(tee "$DIR/run.txt") # everything printed is kept
echo "load before: $(uptime | sed 's/.*load average/load average/'); java processes: $(pgrep -c java || true)"
echo "output kept in $DIR/run.txt; $(ldd --version | head -n 1); $(dnsmasq --version | head -n 1);" \
    "its UDP socket's receive buffer: $(ss -ulmn 'sport = :53' | grep -o 'rb[0-9]*' | head -n 1 | sed 's/rb//') bytes"

# -Dsun.net.inetaddr.ttl=0: the JDK caches no answer (each round asks again, as the others do).
# -Dgevent.resolver.jdk=false: InetAddress is the JDK's own (gevent4j's hook would send only greenlets
# to their hub's resolver; these are virtual threads). -Dgevent.resolver=thread: the hub's resolver.
# -Dio.netty.machineId: the namespace has no hardware address, from which Netty makes its channel ids
# (it warns, then uses random bytes).
"$JAVA" "${JVM_FLAGS[@]}" -Xms1g -Xmx1g -Dsun.net.inetaddr.ttl=0 -Dgevent.resolver.jdk=false -Dgevent.resolver=thread \
    -Dio.netty.machineId=02:00:00:00:00:01 -Dgevent.threadpool.size="$THREADPOOL" ${JAVA_OPTS:-} -cp "$JAR" io.gevent4j.bench.dns.ResolveBenchmark \
    --rounds "$ROUNDS" --warmup "$WARMUP" --lookups "$LOOKUPS" --concurrency "$CONCURRENCY" --server 127.0.0.1:53 --timeout 5 --attempts 2 \
    --server-pid "$DNSMASQ" --netty-rcvbuf "$NETTY_RCVBUF" --only "$ONLY"
echo "load after: $(uptime | sed 's/.*load average/load average/')"
