#!/usr/bin/env bash
# bench/gc.sh [ROUNDS] - garbage collection against restic's prune on the same snapshots.
# Both tools back up ten states of the shared ~2 GiB data set (the data set, then nine "days of
# change" of the shared data set tools' mutate-dataset.sh: small files modified, medium ones appended, large
# ones rewritten in part, files deleted and added), then forget the five oldest (keep-last 5). Timed, ROUNDS times on fresh copies of both repositories, alternating which
# goes first: `streamvault gc` one-shot (sv: it starts the embedded broker and the roles it needs),
# handed to an agent started just before (sv-agent), handed to an agent that has made a no-change
# backup since it started (sv-warm: as an agent that backs up the vault has), against `restic prune`
# (the forget itself is not timed for either). Reported: wall time, CPU (the agent's included),
# peak RSS, the bytes each frees, and how close `forget --dry-run`'s prediction came.
# Results: bench/results/gc-<time>.md (git-ignored). Needs restic and /usr/bin/time; about 12 GiB free.
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
rounds="${1:-3}"
work="$results/gc-work"
data="$results/dataset"
md="$results/gc-$stamp.md"

need restic restic
need /usr/bin/time time
launcher
shared_dataset "$data"
rm -rf "$work"; mkdir -p "$work"
pw="$work/password"
echo "bench password" > "$pw"
export RESTIC_PASSWORD="bench password"
live="$work/live"
cp -a "$data" "$live"   # a copy: the days of change modify files in place

base_sv="$work/base-sv-vault"
base_st="$work/base-sv-state"
base_re="$work/base-restic"
"$sv" init --vault "$base_sv" --password-file "$pw" >/dev/null
restic init --repository-version 2 --repo "$base_re" >/dev/null
start_agent "$base_sv" "$base_st" "$pw"
for s in $(seq 1 10); do
  [ "$s" = 1 ] || "$shared/bench/mutate-dataset.sh" "$live" "$((s - 1))" >/dev/null
  "$sv" backup "$live" --vault "$base_sv" --state-dir "$base_st" --password-file "$pw" --json >/dev/null
  restic backup --repo "$base_re" "$live" >/dev/null
  echo "bench: state $s backed up by both" >&2
done
stop_agent
"$sv" forget --keep-last 5 --vault "$base_sv" --state-dir "$base_st" --password-file "$pw" --json > "$work/forget.json"
restic forget --keep-last 5 --repo "$base_re" >/dev/null
predicted=$(python3 -c "import json,sys; print(json.load(open('$work/forget.json'))['bytes_freed'])")

log "# Garbage collection, streamvault gc against restic prune ($stamp)"
log ""
log "- command: \`bench/gc.sh $rounds\`; ten states of $data, five forgotten (keep-last 5)"
log "- machine: $(nproc) cores; $(java -version 2>&1 | head -1); $(restic version | head -1); streamvault $(git -C "$here" rev-parse --short HEAD)"
log "- before: streamvault vault $(( $(du -sb "$base_sv" | cut -f1) / 1048576 )) MiB, restic repository $(( $(du -sb "$base_re" | cut -f1) / 1048576 )) MiB; streamvault's forget predicted $((predicted / 1048576)) MiB freed"
log ""
log "| round | tool | wall s | CPU s | peak RSS MiB | freed MiB |"
log "|---|---|---|---|---|---|"
declare -a SV RE
run_sv() { # round
  local v="$work/sv-vault-$1" st="$work/sv-state-$1" r before
  cp -a "$base_sv" "$v"; cp -a "$base_st" "$st"
  before=$(du -sb "$v" | cut -f1)
  sync
  r=$(timed "$sv" gc --vault "$v" --state-dir "$st" --password-file "$pw" --json)
  cp "$work/last.out" "$work/sv-gc-$1.json"
  echo "$r $(( before - $(du -sb "$v" | cut -f1) ))"
  rm -rf "$v" "$st"
}
run_sv_agent() { # round [warm]: with warm, the agent first makes a no-change backup of the tree, as an
  # agent that backs up the vault has (its JIT has then compiled the tree decoding and index lookups)
  local v="$work/sva-vault-$1" st="$work/sva-state-$1" r before
  cp -a "$base_sv" "$v"; cp -a "$base_st" "$st"
  start_agent "$v" "$st" "$pw"
  if [ -n "${2:-}" ]; then
    "$sv" backup "$live" --vault "$v" --state-dir "$st" --json > /dev/null
  fi
  before=$(du -sb "$v" | cut -f1)
  sync
  agent_pid=$agent_java # the agent collects (gc is handed to it): its CPU and memory are counted
  r=$(timed "$sv" gc --vault "$v" --state-dir "$st" --password-file "$pw" --json)
  agent_pid=""
  stop_agent
  echo "$r $(( before - $(du -sb "$v" | cut -f1) ))"
  rm -rf "$v" "$st"
}
run_restic() { # round
  local repo="$work/restic-$1" r before
  cp -a "$base_re" "$repo"
  before=$(du -sb "$repo" | cut -f1)
  sync
  r=$(timed restic prune --repo "$repo")
  echo "$r $(( before - $(du -sb "$repo" | cut -f1) ))"
  rm -rf "$repo"
}
declare -a SVA SVW
for round in $(seq 1 "$rounds"); do
  case $((round % 4)) in 1) order="sv sv-agent sv-warm restic";; 2) order="restic sv sv-agent sv-warm";;
    3) order="sv-warm restic sv sv-agent";; *) order="sv-agent sv-warm restic sv";; esac
  for tool in $order; do
    case $tool in
      sv) r=$(run_sv "$round"); SV+=("${r%% *}");;
      sv-agent) r=$(run_sv_agent "$round"); SVA+=("${r%% *}");;
      sv-warm) r=$(run_sv_agent "$round-warm" warm); SVW+=("${r%% *}");;
      *) r=$(run_restic "$round"); RE+=("${r%% *}");;
    esac
    read -r wall cpu rss freed <<< "$r"
    log "| $round | $tool | $wall | $cpu | $((rss / 1024)) | $((freed / 1048576)) |"
  done
done
python3 - "${SV[*]}" "${SVA[*]}" "${SVW[*]}" "${RE[*]}" <<'PY' | tee -a "$md" >&2
import statistics, sys
sv, sva, svw, re = ([float(x) for x in a.split()] for a in sys.argv[1:5])
ms, ma, mw, mr = (statistics.median(x) for x in (sv, sva, svw, re))
print(f"\nMedians: streamvault gc {ms:.2f} s one-shot, {ma:.2f} s beside a just-started agent, {mw:.2f} s beside an"
      f" agent that has made a backup; restic prune {mr:.2f} s (restic / streamvault: {mr / ms:.2f}x, {mr / ma:.2f}x,"
      f" {mr / mw:.2f}x; target: faster than restic).")
PY
echo "bench: results in $md" >&2
