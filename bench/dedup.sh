#!/usr/bin/env bash
# bench/dedup.sh [RECORDS] [DUPLICATE_PERCENT] [PARTITIONS] [THREADS]
# Chunk records per second through the dedup topology on the embedded broker (exactly-once,
# RocksDB store), then heap and RSS of the process whose store holds every id.
# Defaults: 2,000,000 records, 20% repeats, 4 partitions, 2 stream threads.
# For the memory figure of issue 4: bench/dedup.sh 10000000 0
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
build bench
out="$results/dedup-$stamp.txt"
java ${BENCH_JAVA_OPTS:--Xmx1g -XX:+UseParallelGC} -cp "$here/bench/target/streamvault-bench-0.1.0-SNAPSHOT.jar:$here/bench/target/lib/*" \
  io.streamvault.bench.DedupBench "$@" | tee "$out"
echo "bench: result in $out" >&2
