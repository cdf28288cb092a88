#!/usr/bin/env bash
# bench/fuzz.sh [SECONDS] [FILTER] - fuzzes the parsers of every vault object, Kafka record and HTTP
# request body (docs/reliability.md, Hostile and damaged input) with Jazzer, SECONDS per target
# (default 60), each target in its own JVM (Jazzer fuzzes one target per JVM). FILTER (an extended
# regular expression matched against Class#method) picks targets. A finding (an exception other than the clear error, a heap
# allocation above the budget, an input that takes longer than the timeout) stops that target; Jazzer
# writes the input next to the seeds (src/test/resources/.../<Class>Inputs/<method>/crash-*), where
# it becomes a regression test of bin/test once committed with its fix. Inputs that found new
# coverage go to <module>/.cifuzz-corpus/ (git-ignored) and are reused by the next run. JUnit's own
# timeout is off while fuzzing (it would end the whole run); Jazzer applies the targets' @Timeout to
# each input instead.
# Results: a table of target, seconds, executions and outcome in bench/results/fuzz-<time>.md.
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
secs="${1:-60}"
filter="${2:-}"
md="$results/fuzz-$stamp.md"
targets=(
  "vault VaultObjectsFuzzTest packHeader"
  "vault VaultObjectsFuzzTest indexObject"
  "vault VaultObjectsFuzzTest tree"
  "vault VaultObjectsFuzzTest snapshot"
  "vault VaultObjectsFuzzTest keyObject"
  "vault VaultObjectsFuzzTest config"
  "vault VaultObjectsFuzzTest dictionary"
  "vault VaultObjectsFuzzTest blobRecord"
  "vault VaultObjectsFuzzTest lockRecord"
  "schemas WireRecordsFuzzTest record"
  "server RequestBodiesFuzzTest restoreRequest"
  "server RequestBodiesFuzzTest forgetRequest"
  "server RequestBodiesFuzzTest planRequest"
  "server RequestBodiesFuzzTest gcRequest"
)
{
  echo "# Fuzzing, $stamp, ${secs} s per target"
  echo
  echo "| target | seconds | executions | outcome |"
  echo "|---|---|---|---|"
} > "$md"
findings=0
for t in "${targets[@]}"; do
  read -r module class method <<< "$t"
  [[ -z "$filter" || "$class#$method" =~ $filter ]] || continue
  log="$results/fuzz-$stamp-$class-$method.log"
  start=$(date +%s)
  outcome=ok
  (cd "$here" && JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${secs}s" mvn -B -o -pl "$module" -am test -Dcheckstyle.skip \
      -Dtest="$class#$method" -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.max_duration="${secs}s" \
      -Djunit.jupiter.execution.timeout.mode=disabled \
      > "$log" 2>&1) || outcome="FINDING (see $log)"
  [ "$outcome" = ok ] || findings=$((findings + 1))
  runs=$(grep -aoE 'Done [0-9]+ runs' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  echo "| $class#$method | $(( $(date +%s) - start )) | ${runs:-?} | $outcome |" | tee -a "$md"
done
echo "results: $md" >&2
[ "$findings" -eq 0 ]
