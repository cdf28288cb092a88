#!/usr/bin/env bash
# bench/gc-scale.sh [FILES] [SNAPSHOTS] - memory and time of forget, stats and gc on a large vault.
# Writes a synthetic vault (SyntheticVault: FILES small files, default 5,000,000, in SNAPSHOTS
# snapshots, default 4, each changing a tenth of the files) straight through the vault API, then
# times, each as the one-shot command with the default heap (-Xmx1g): `stats`, `forget --keep-last
# SNAPSHOTS/2` and `gc` (after `rebuild-index` has announced the vault to a fresh pipeline, untimed).
# Wall time, CPU and peak RSS of each. Results: bench/results/gc-scale-<time>.md (git-ignored).
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
files="${1:-5000000}"
snapshots="${2:-4}"
work="$results/gc-scale-work"
md="$results/gc-scale-$stamp.md"
need /usr/bin/time time
launcher
build bench
rm -rf "$work"; mkdir -p "$work"
pw="$work/password"
echo "bench password" > "$pw"
v="$work/vault"
st="$work/state"
java -Xmx2g -cp "$here/bench/target/streamvault-bench-0.1.0-SNAPSHOT.jar:$here/bench/target/lib/*" \
  io.streamvault.bench.SyntheticVault "$v" "bench password" "$files" "$snapshots" >&2
A=(--vault "$v" --state-dir "$st" --password-file "$pw")
"$sv" rebuild-index "${A[@]}" >&2

log "# Maintenance at scale ($stamp)"
log ""
log "- command: \`bench/gc-scale.sh $files $snapshots\`; vault $(( $(du -sb "$v" | cut -f1) / 1048576 )) MiB"
log "- machine: $(nproc) cores; $(java -version 2>&1 | head -1); streamvault $(git -C "$here" rev-parse --short HEAD); default heap -Xmx1g"
log ""
log "| command | wall s | CPU s | peak RSS MiB |"
log "|---|---|---|---|"
step() { # name args...
  local name="$1"; shift
  read -r wall cpu rss <<< "$(timed "$sv" "$@" "${A[@]}")"
  log "| $name | $wall | $cpu | $((rss / 1024)) |"
}
step "stats" stats --json
step "forget --keep-last $((snapshots / 2))" forget --keep-last $((snapshots / 2)) --json
step "gc" gc --json
cp "$work/last.out" "$results/gc-scale-$stamp.json"
step "check" check
echo "bench: results in $md" >&2
