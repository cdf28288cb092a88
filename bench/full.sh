#!/usr/bin/env bash
# bench/full.sh [ROUNDS] - first (full) backup of the shared ~2 GiB dataset with a running
# `streamvault agent` against `restic backup`, ROUNDS times each, alternating which goes first.
# Every round starts from empty repositories: a fresh vault and state directory, a fresh agent
# warmed up like bench/run.sh's (backups of other data, not timed: warm_up_agent in bench/lib.sh),
# and a fresh restic repository (version 2, compression auto). The data is read
# from the page cache by both (it is read once before the first round). Wall time, CPU (user+sys;
# the agent's CPU during the step is added to the command's), peak RSS and repository size (for
# streamvault, what the backup added to the vault) of each backup.
# Results: bench/results/full-<time>.md (git-ignored). Needs what bench/run.sh needs.
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
rounds="${1:-3}"
work="$results/full-work"
data="$results/dataset"
md="$results/full-$stamp.md"

need restic restic
need /usr/bin/time time
launcher
shared_dataset "$data"
warm_up_data
bytes=$(du -sb --apparent-size "$data" | cut -f1)
rm -rf "$work"; mkdir -p "$work"
pw="$work/password"
echo "bench password" > "$pw"
export RESTIC_PASSWORD="bench password"
page_cache "$data" "${warm_all[@]}"   # all read from the page cache

# Each runs in a subshell ($(...)) and prints "wall cpu rss_kib size_bytes".
run_sv() { # round
  local v="$work/sv-vault-$1" st="$work/sv-state-$1" r
  "$sv" init --vault "$v" --password-file "$pw" >/dev/null
  start_agent "$v" "$st" "$pw"
  warm_up_agent "$v" "$st" "$pw"
  local before; before=$(du -sb "$v" | cut -f1)
  sync
  agent_pid=$agent_java
  r=$(timed "$sv" backup "$data" --vault "$v" --state-dir "$st" --password-file "$pw" --json)
  cp "$work/last.out" "$work/sv-$1.json"
  stop_agent
  cp "$work/agent.err" "$work/agent-$1.err"   # each round's agent log, for a round that stands out
  echo "$r $(( $(du -sb "$v" | cut -f1) - before ))"   # the vault's growth: the warm-up is not counted
  rm -rf "$v" "$st"
}
run_restic() { # round
  local repo="$work/restic-$1" r
  restic init --repository-version 2 --repo "$repo" >/dev/null
  sync
  r=$(timed restic backup --repo "$repo" "$data")
  echo "$r $(du -sb "$repo" | cut -f1)"
  rm -rf "$repo"
}

log "# Full backup, streamvault agent against restic ($stamp)"
log ""
log "- command: \`bench/full.sh $rounds\`; dataset $data: $(find "$data" -type f | wc -l) files, $((bytes / 1048576)) MiB"
log "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); $(java -version 2>&1 | head -1); $(restic version | head -1); streamvault $(git -C "$here" rev-parse --short HEAD)"
log ""
log "| round | tool | load before | wall s | MiB/s | CPU s | peak RSS MiB | repository MiB |"
log "|---|---|---|---|---|---|---|---|"
declare -a SV RE
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order="sv restic"; else order="restic sv"; fi
  for tool in $order; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    if [ $tool = sv ]; then r=$(run_sv "$round"); SV+=("${r%% *}"); else r=$(run_restic "$round"); RE+=("${r%% *}"); fi
    read -r wall cpu rss size <<< "$r"
    log "| $round | $tool | $load | $wall | $(python3 -c "print(f'{$bytes / 1048576 / $wall:.0f}')") | $cpu | $((rss / 1024)) | $((size / 1048576)) |"
  done
done
python3 - "${SV[*]}" "${RE[*]}" <<'PY' | tee -a "$md" >&2
import statistics, sys
sv = [float(x) for x in sys.argv[1].split()]
re = [float(x) for x in sys.argv[2].split()]
ms, mr = statistics.median(sv), statistics.median(re)
print(f"\nMedians: streamvault {ms:.2f} s, restic {mr:.2f} s; streamvault's throughput is {mr / ms:.2f}x restic's (target 1.5x).")
PY
echo "bench: results in $md" >&2
