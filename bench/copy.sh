#!/usr/bin/env bash
# bench/copy.sh - copies of a vault: the lag of a continuous copier during a full backup of the shared
# data set, and the throughput of a one-shot copy against `restic copy` of the same snapshot.
# 1. An agent (embedded broker) runs with --copy-to TARGET; a full backup of the data set is handed to
#    it; every second the bytes of the source's packs not yet on the target are sampled (both vaults
#    are local directories, so `du` reads them); reported: the largest lag during the backup and how
#    long after the backup ended the snapshot was complete on the target.
# 2. `streamvault copy --once` of that vault into a fresh target, and `restic copy` of a restic
#    repository holding the same data into a fresh repository (same chunker parameters): wall time,
#    CPU, MB/s of the copied repository size.
# Results: bench/results/copy-<time>.md (git-ignored).
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
need restic restic
need /usr/bin/time time
launcher
dataset="$results/dataset"
shared_dataset "$dataset"
work="$results/copy-work"
md="$results/copy-$stamp.md"
rm -rf "$work"; mkdir -p "$work"
pw="$work/password"; echo "bench password" > "$pw"
A=(--vault "$work/vault" --state-dir "$work/state" --password-file "$pw")
packs_bytes() { [ -d "$1/data" ] && du -sb "$1/data" | cut -f1 || echo 0; }
now_ms() { date +%s%3N; }

"$sv" init --vault "$work/vault" --password-file "$pw" >/dev/null
"$sv" agent "${A[@]}" --copy-to "$work/target" > "$work/agent.out" 2> "$work/agent.err" &
agent_bash=$!
for _ in $(seq 1 240); do grep -q ' ready' "$work/agent.out" 2>/dev/null && break; sleep 0.5; done
grep -q ' ready' "$work/agent.out" || { echo "bench: the agent did not start" >&2; cat "$work/agent.err" >&2; exit 1; }
agent_java=$(pgrep -f -n "launcher.Main agent --vault $work/vault")
trap 'kill $agent_java 2>/dev/null || true; wait $agent_bash 2>/dev/null || true' EXIT

log "# Copies ($stamp)"
log ""
log "- command: \`bench/copy.sh\`; data: the shared data set ($(( $(du -sb "$dataset" | cut -f1) / 1048576 )) MiB), local vaults"
log "- machine: $(nproc) cores; $(java -version 2>&1 | head -1); streamvault $(git -C "$here" rev-parse --short HEAD); $(restic version | head -1)"
log ""
"$sv" backup "$dataset" "${A[@]}" --json > "$work/backup.json" 2> "$work/backup.err" &
backup=$!
t0=$(now_ms); max_lag=0; samples=0
while kill -0 "$backup" 2>/dev/null; do
  lag=$(( $(packs_bytes "$work/vault") - $(packs_bytes "$work/target") ))
  [ "$lag" -gt "$max_lag" ] && max_lag=$lag
  samples=$((samples + 1)); sleep 1
done
wait "$backup"
t_end=$(now_ms)
snap=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["snapshot"])' "$work/backup.json")
until [ -f "$work/target/snapshots/$snap" ]; do sleep 0.2; done
t_copied=$(now_ms)
stored=$(packs_bytes "$work/vault")
log "## 1. A continuous copier during a full backup"
log ""
log "- backup: $(( (t_end - t0) / 1000 )) s, $(( stored / 1048576 )) MiB of packs stored"
log "- largest lag while it ran ($samples samples, 1 s apart): $(( max_lag / 1048576 )) MiB of packs not yet on the target"
log "- the snapshot was complete on the target $(python3 -c "print(f'{($t_copied - $t_end) / 1000:.1f}')") s after the backup ended"
kill "$agent_java"; wait "$agent_bash" 2>/dev/null || true
trap - EXIT
"$sv" check --vault "$work/target" --password-file "$pw" >/dev/null

log ""
log "## 2. One-shot copy against restic copy"
log ""
log "| tool | wall s | CPU s | peak RSS MiB | copied MiB | MB/s |"
log "|---|---|---|---|---|---|"
/usr/bin/time -f "%e %U %S %M" -o "$work/t" "$sv" copy --to "$work/target-once" --once "${A[@]}" >/dev/null 2>"$work/copy.err"
read -r wall u s rss < "$work/t"
size=$(du -sb "$work/target-once" | cut -f1)
log "| streamvault copy --once | $wall | $(python3 -c "print(round($u + $s, 1))") | $((rss / 1024)) | $((size / 1048576)) | $(python3 -c "print(round($size / 1e6 / $wall, 1))") |"

export RESTIC_PASSWORD="bench password"
restic init -q -r "$work/restic" >/dev/null
restic backup -q -r "$work/restic" "$dataset" >/dev/null
restic init -q -r "$work/restic-copy" --from-repo "$work/restic" --copy-chunker-params \
  --from-password-file "$pw" >/dev/null 2>&1 || RESTIC_FROM_PASSWORD="bench password" restic init -q -r "$work/restic-copy" \
  --from-repo "$work/restic" --copy-chunker-params >/dev/null
export RESTIC_FROM_PASSWORD="bench password"
/usr/bin/time -f "%e %U %S %M" -o "$work/t" restic copy -q -r "$work/restic-copy" --from-repo "$work/restic" latest >/dev/null
read -r wall u s rss < "$work/t"
size=$(du -sb "$work/restic-copy" | cut -f1)
log "| restic copy | $wall | $(python3 -c "print(round($u + $s, 1))") | $((rss / 1024)) | $((size / 1048576)) | $(python3 -c "print(round($size / 1e6 / $wall, 1))") |"
log ""
log "restic copy decrypts and re-encrypts every blob into the other repository's packs; streamvault copies"
log "the stored objects byte for byte (the copy is the same vault and opens with the same password)."
echo "bench: results in $md" >&2
