#!/usr/bin/env bash
# bench/workers.sh [DATASET] - an agent of workers only, as on every node of a cluster: a separate
# `streamvault broker`, then `streamvault agent --bootstrap-servers ...` with all five roles and
# bin/streamvault's defaults for such an agent, and the full backup of the shared data set handed to
# it, against `restic backup` of the same data in the same run. ROUNDS rounds (default 3), each with
# a fresh broker, agent, vault and repository and the data in the page cache, the tools alternating
# which goes first; each figure is the median of the rounds. Reports the agent's start, the backup's
# wall time and CPU (the command's and the agent's), and the agent's peak RSS (VmHWM over its start
# and the backup) next to restic's. Results: bench/results/workers-<time>.md (git-ignored). Needs
# JDK 17, Maven, python3, GNU time, restic.
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
dataset="${1:-$results/dataset}"
[ -n "${1:-}" ] || shared_dataset "$dataset"
work="$results/workers-work"
md="$results/workers-$stamp.md"

need restic restic
need /usr/bin/time time
launcher
rm -rf "$work"
mkdir -p "$work"
pw="$work/password"
echo "bench password" > "$pw"
export RESTIC_PASSWORD="bench password"
rounds="${ROUNDS:-3}"
broker_java=""
agent_java=""
# stop PID: TERM, up to 30 s to end, then KILL.
stop() {
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
# The agent first (it leaves its groups while the broker still answers), then the broker.
cleanup() {
  [ -z "$agent_java" ] || stop "$agent_java"
  [ -z "$broker_java" ] || stop "$broker_java"
  agent_java=""
  broker_java=""
}
trap 'cleanup; rm -rf "$work/r"' EXIT
# await FILE PATTERN: waits up to 120 s for PATTERN in FILE.
await() {
  for _ in $(seq 1 1200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "bench: no '$2' in $1" >&2; cat "$1" >&2; exit 1
}
declare -a SV_START SV_FULL SV_CPU SV_RSS R_FULL R_CPU R_RSS
sv_round() {
  # (bin/streamvault execs the JVM: $! is its pid)
  "$sv" broker --state-dir "$work/r/broker" --registry-listen none > "$work/broker.out" 2>&1 &
  broker_java=$!
  await "$work/broker.out" 'bootstrap.servers='
  local bs s e c0 c1 instance
  bs=$(grep -o 'bootstrap.servers=[^ ]*' "$work/broker.out" | head -1 | cut -d= -f2)
  s=$(date +%s.%N)
  "$sv" agent --bootstrap-servers "$bs" --roles scanner,chunker,dedup,uploader,catalog --vault "$work/r/vault" \
    --state-dir "$work/r/agent" --password-file "$pw" > "$work/agent.out" 2>&1 &
  agent_java=$!
  await "$work/agent.out" ' ready'
  e=$(date +%s.%N)
  SV_START[$r]=$(python3 -c "print(f'{$e - $s:.2f}')")
  instance=$(sed -n 's/^agent \([^ ]*\) ready.*/\1/p' "$work/agent.out" | head -1)
  c0=$(awk '{print $14 + $15}' "/proc/$agent_java/stat")
  read -r SV_FULL[$r] SV_CPU[$r] _ < <(timed "$sv" backup "$dataset" --bootstrap-servers "$bs" --vault "$work/r/vault" \
    --state-dir "$work/r/client" --password-file "$pw" --json)
  c1=$(awk '{print $14 + $15}' "/proc/$agent_java/stat")
  # The agent must have done all of it: a command that finds a role without a member runs it itself.
  python3 - "$work/last.out" "$instance" <<'PY'
import json, sys
out = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
workers = sorted(out.get("workers", {}))
if workers != [sys.argv[2]]:
    sys.exit(f"bench: the backup was not the agent's alone: workers {workers}, agent {sys.argv[2]}")
PY
  SV_CPU[$r]=$(python3 -c "print(f'{${SV_CPU[$r]} + ($c1 - $c0) / $(getconf CLK_TCK):.1f}')")
  SV_RSS[$r]=$(( $(awk '/VmHWM/{print $2}' "/proc/$agent_java/status") / 1024 ))
  cleanup
}
restic_round() {
  local rss
  read -r R_FULL[$r] R_CPU[$r] rss < <(timed restic backup --repo "$work/r/restic" "$dataset")
  R_RSS[$r]=$((rss / 1024))
}
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/r"
  mkdir -p "$work/r"
  "$sv" init --vault "$work/r/vault" --password-file "$pw" >&2
  restic init --repo "$work/r/restic" >/dev/null 2>&1
  page_cache "$dataset"
  if [ $((r % 2)) = 1 ]; then sv_round; restic_round; else restic_round; sv_round; fi
  echo "bench: round $r: streamvault ${SV_FULL[$r]} s (${SV_RSS[$r]} MiB), restic ${R_FULL[$r]} s (${R_RSS[$r]} MiB)" >&2
done
log "# An agent of workers only: full backup of the shared data set ($stamp)"
log ""
log "- command: \`bench/workers.sh\` (ROUNDS=$rounds); data: $dataset ($(du -sb "$dataset" | cut -f1) bytes)"
log "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); default $(java -version 2>&1 | head -1); $(restic version | head -1); streamvault $(git -C "$here" rev-parse --short HEAD); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
log "- each round: a fresh \`streamvault broker\`, vault and repository, the data read once into the page cache; then an agent started on a fresh state directory with \`--bootstrap-servers\` (workers only: $(grep -m1 -o 'roles [a-z,]*' "$work/agent.out" || echo 'roles ?'), bin/streamvault's JVM options for it) and the backup handed to it, and \`restic backup\`, alternating which goes first"
log "- CPU: the backup command's and the agent's during it; peak RSS: the agent's VmHWM over its start and the backup (restic: its own)"
log "- each cell: the median of the rounds"
log ""
log "| | agent start s | full backup s | CPU s | peak RSS MiB |"
log "|---|---|---|---|---|"
log "| streamvault (agent of workers only) | $(median "${SV_START[@]}") | $(median "${SV_FULL[@]}") | $(median "${SV_CPU[@]}") | $(median "${SV_RSS[@]}") |"
log "| restic | | $(median "${R_FULL[@]}") | $(median "${R_CPU[@]}") | $(median "${R_RSS[@]}") |"
log ""
log "| round | first | streamvault s | streamvault peak RSS MiB | restic s | restic peak RSS MiB |"
log "|---|---|---|---|---|---|"
for r in $(seq 1 "$rounds"); do
  log "| $r | $([ $((r % 2)) = 1 ] && echo streamvault || echo restic) | ${SV_FULL[$r]} | ${SV_RSS[$r]} | ${R_FULL[$r]} | ${R_RSS[$r]} |"
done
echo "bench: results in $md" >&2
