#!/bin/bash
# One A/B measurement, as used for the per-feature figures in docs/io_uring.md and the closing notes:
# a gannet serve (or a Netty peer) on core 0 with one loop, wrk on core 1 with 256 connections, a 3 s warm-up, then
# DUR seconds measured; prints requests/s and the server's user/system CPU-seconds per million requests.
#
#   bench/scripts/ab.sh gannet|netty-epoll|netty-io_uring PATH [wrk args...]
#   env: ENGINE (gannet's engine, default nio), EXTRA (more JVM flags, e.g. -Dgannet.uring.fixedFiles=false),
#        DUR (measured seconds, default 6), PORT (default 18080),
#        SERVER_DIR (gannet's jars, default server/target: copy it aside to compare two builds),
#        STATIC (a directory gannet serves at /static/, e.g. one holding a 16 KB file)
# Needs a built tree (./gannet --version builds nothing; run ./gannet serve once, or ./mvnw package).
set -euo pipefail
cd "$(dirname "$0")/../.."
WHO=$1; URL=$2; shift 2
PORT=${PORT:-18080}
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
LOG=$(mktemp)
SD=${SERVER_DIR:-server/target}
if [ "$WHO" = gannet ]; then
  # The flags the launcher gives `serve` (see ./gannet), plus EXTRA.
  taskset -c 0 "$JAVA" --enable-native-access=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
    -XX:+UseParallelGC -XX:AutoBoxCacheMax=65536 ${EXTRA:-} -cp "$SD/gannet-server.jar:$SD/lib/*" \
    dev.gannet.server.Gannet serve --engine "${ENGINE:-nio}" --threads 1 --port "$PORT" ${STATIC:+--static "$STATIC"} \
    --bench-routes > "$LOG" 2>&1 &
else
  # The flags the http bench gives the Netty peers (HttpContender.NETTY_FLAGS).
  taskset -c 0 "$JAVA" -XX:+UseParallelGC -Dio.netty.buffer.checkBounds=false -Dio.netty.buffer.checkAccessible=false \
    -Dio.netty.leakDetection.level=disabled --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
    -cp "bench/target/gannet-bench.jar:bench/target/lib/*" dev.gannet.bench.peers.http.NettyHttpServer \
    --transport "${WHO#netty-}" --port "$PORT" --static /tmp > "$LOG" 2>&1 &
fi
PID=$!
trap 'kill $PID 2>/dev/null; rm -f "$LOG"' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/plaintext" && break; sleep 0.1; done
taskset -c 1 wrk -t1 -c256 -d3s "http://127.0.0.1:$PORT$URL" "$@" > /dev/null
read -r u0 s0 < <(awk '{print $14, $15}' /proc/$PID/stat)
OUT=$(taskset -c 1 wrk -t1 -c256 -d"${DUR:-6}"s "http://127.0.0.1:$PORT$URL" "$@")
read -r u1 s1 < <(awk '{print $14, $15}' /proc/$PID/stat)
REQ=$(echo "$OUT" | awk '/requests in/ {print $1}')
awk -v w="$WHO${EXTRA:+ $EXTRA}" -v r="$REQ" -v u=$((u1-u0)) -v s=$((s1-s0)) -v d="${DUR:-6}" 'BEGIN {
  printf "%-40s rps %8.0f  user %5.2f sys %5.2f total %5.2f CPU-s/M\n", w, r/d, u/100/r*1e6, s/100/r*1e6, (u+s)/100/r*1e6 }'
