#!/usr/bin/env bash
# bench/restore.sh [ROUNDS] - restore throughput of the shared benchmark dataset
# (shared/bench/make-dataset.sh, about 2 GiB) with `streamvault restore` against `restic restore`,
# on the same machine in the same run. Each tool backs the dataset up once into its own local
# repository (not timed); then each round restores it with both tools into fresh directories,
# alternating which goes first, and checks both copies with `dsgen.py compare`. The page cache is
# dropped before every timed restore when the kernel allows it (root); otherwise reads come from
# memory for both alike. Results: bench/results/restore-<time>.md (git-ignored work files under
# bench/results/). Needs JDK 17, Maven, python3, openssl, GNU time, restic (apt-get install -y restic time).
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
rounds="${1:-2}"
work="$results/restore-work"
data="$results/dataset"
md="$results/restore-$stamp.md"
mkdir -p "$work"

need restic restic
need /usr/bin/time time
launcher

shared_dataset "$data"
stats="$(python3 "$shared/bench/dsgen.py" stats "$data")"
bytes=$(du -sb --apparent-size "$data" | cut -f1)
files=$(find "$data" -type f | wc -l)

pw="$work/password"
echo "bench password" > "$pw"
export RESTIC_PASSWORD="bench password"
if [ ! -f "$work/sv-vault.complete" ]; then
  rm -rf "$work/sv-vault" "$work/sv-state"
  "$sv" init --vault "$work/sv-vault" --password-file "$pw" >&2
  "$sv" backup "$data" --vault "$work/sv-vault" --state-dir "$work/sv-state" --password-file "$pw" --json >&2
  touch "$work/sv-vault.complete"
fi
if [ ! -f "$work/restic-repo.complete" ]; then
  rm -rf "$work/restic-repo"
  restic init --repo "$work/restic-repo" >&2
  restic backup --repo "$work/restic-repo" "$data" >&2
  touch "$work/restic-repo.complete"
fi

drop() {
  sync
  if echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then echo dropped; else echo kept; fi
}
# "seconds cpu-seconds" of one command (wall clock; user+sys of it and its children)
timed() {
  local s e c
  s=$(date +%s.%N)
  c=$( { /usr/bin/env time -f "%U %S" "$@" > "$work/last.log" 2> "$work/last.err"; } 2>&1; tail -1 "$work/last.err")
  e=$(date +%s.%N)
  python3 -c "u, y = '$c'.split()[-2:]; print(f'{$e - $s:.2f} {float(u) + float(y):.1f}')"
}
mib() { python3 -c "print(f'{$bytes / 1048576 / $1:.0f}')"; }

log "# Restore throughput: streamvault vs restic ($stamp)"
log ""
log "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(df -hT "$work" | awk 'NR==2{print $2}') at $work"
log "- versions: $(java -version 2>&1 | head -1), $(restic version | head -1), streamvault $(git -C "$here" rev-parse --short HEAD)"
log "- dataset: $data ($files files, $((bytes / 1048576)) MiB apparent size); dsgen stats: $(echo "$stats" | tr '\n' ' ')"
log "- command: bench/restore.sh $rounds"
log ""
log "| round | tool | command | page cache | load before | seconds | MiB/s | user+sys CPU s | compare |"
log "|---|---|---|---|---|---|---|---|---|"
for r in $(seq 1 "$rounds"); do
  order="sv restic"
  [ $((r % 2)) -eq 0 ] && order="restic sv"
  for tool in $order; do
    out="$work/out-$tool"
    rm -rf "$out"
    cache=$(drop)
    load=$(cut -d' ' -f1 /proc/loadavg)
    if [ "$tool" = sv ]; then
      cmd="streamvault restore latest --target $out"
      read -r secs cpu < <(timed "$sv" restore latest --target "$out" --vault "$work/sv-vault" --password-file "$pw")
      restored="$out"
    else
      cmd="restic restore latest --target $out"
      read -r secs cpu < <(timed restic restore latest --repo "$work/restic-repo" --target "$out")
      restored="$out$data"
    fi
    if python3 "$shared/bench/dsgen.py" compare "$data" "$restored" > "$work/compare-$tool.log" 2>&1; then ok=same; else ok="DIFFERS (see $work/compare-$tool.log)"; fi
    log "| $r | $tool | \`$cmd\` | $cache | $load | $secs | $(mib "$secs") | $cpu | $ok |"
  done
done
rm -rf "$work/out-sv" "$work/out-restic"
echo "bench: results in $md" >&2
