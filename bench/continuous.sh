#!/usr/bin/env bash
# bench/continuous.sh [ROUNDS] [RPO] - continuous near-line backup: how long after a write the file is
# in a sealed snapshot, and what the agent costs while nothing changes.
# An agent (embedded broker) runs a continuous plan (--rpo RPO, default 60s) on a hard-linked copy of
# the shared ~2 GiB data set. After the plan's first (full) run, the agent's CPU is measured over 30 s
# of quiet; then ROUNDS times (default 10): a 1 MiB file is written into the tree and the delay until
# the end of the run that sealed a snapshot holding it is taken from the run's own record (plan runs);
# the file is restored from that snapshot and compared. For comparison, restic and borg have no
# continuous mode: the nearest thing is their backup run in a loop, so the same write-to-snapshot delay
# is measured for `restic backup` and `borg create` started right after each write (their best case,
# paid with a backup run per change). Results: bench/results/continuous-<time>.md (git-ignored).
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
rounds="${1:-10}"
rpo="${2:-60s}"
need restic restic
need borg borgbackup
launcher
dataset="$results/dataset"
shared_dataset "$dataset"
work="$results/continuous-work"
md="$results/continuous-$stamp.md"
rm -rf "$work"; mkdir -p "$work"
cp -al "$dataset" "$work/src" # new files only: the data set itself is never written
mkdir -p "$work/src/live"
pw="$work/password"; echo "bench password" > "$pw"
A=(--vault "$work/vault" --state-dir "$work/state" --password-file "$pw")
now_ms() { date +%s%3N; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

"$sv" init --vault "$work/vault" --password-file "$pw" >/dev/null
start_agent "$work/vault" "$work/state" "$pw"
"$sv" plan create live --path "$work/src" --continuous --rpo "$rpo" "${A[@]}" >&2

# runs_json: the plan's runs, newest first
runs_json() { "$sv" plan runs live --json --limit 100 "${A[@]}" 2>/dev/null | tail -1; }
# await_run AFTER_MS: waits for a succeeded run that started after AFTER_MS; prints "end_ms snapshot"
await_run() {
  local deadline=$(( $(date +%s) + 600 )) line
  while [ "$(date +%s)" -lt "$deadline" ]; do
    line=$(runs_json | python3 -c '
import json, sys
from datetime import datetime
after = int(sys.argv[1])
ms = lambda t: int(datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp() * 1000)
for r in json.load(sys.stdin):
    if r["state"] == "succeeded" and r["start"] and ms(r["start"]) > after:
        print(ms(r["end"]), r["snapshot"]); break' "$1")
    [ -n "$line" ] && { echo "$line"; return; }
    sleep 0.5
  done
  echo "bench: no run after $1 within 600 s" >&2; exit 1
}

t=$(now_ms)
read -r first_end _ <<< "$(await_run 0)"
log "# Continuous backup ($stamp)"
log ""
log "- command: \`bench/continuous.sh $rounds $rpo\`; tree: the shared data set ($(find "$work/src" -type f | wc -l) files, $(( $(du -sb "$dataset" | cut -f1) / 1048576 )) MiB), hard-linked"
log "- machine: $(nproc) cores; $(java -version 2>&1 | head -1); streamvault $(git -C "$here" rev-parse --short HEAD); change feed: $(grep -o 'watching .* with [a-z]*' "$work/agent.err" | awk '{print $NF}' | tail -1)"
log "- the plan's first run (full backup) ended $(( (first_end - t) / 1000 )) s after the plan was created"
sleep 5
c0=$(cpu_ticks "$agent_java"); sleep 30; c1=$(cpu_ticks "$agent_java")
tck=$(getconf CLK_TCK)
idle=$(python3 -c "print(f'{($c1 - $c0) / $tck / 30 * 100:.2f}')")
rss=$(awk '/VmRSS/{print int($2 / 1024)}' "/proc/$agent_java/status")
log "- agent while nothing changes: ${idle}% of one core over 30 s, RSS ${rss} MiB"
log ""
log "| round | write → sealed snapshot, s | within RPO $rpo |"
log "|---|---|---|"
delays=()
for i in $(seq 1 "$rounds"); do
  sleep 5
  head -c 1048576 /dev/urandom > "$work/f$i"
  t=$(now_ms)
  cp "$work/f$i" "$work/src/live/f$i"
  read -r end snap <<< "$(await_run "$t")"
  d=$(python3 -c "print(f'{($end - $t) / 1000:.1f}')")
  "$sv" restore "$snap" --target "$work/restored-$i" --include "live/f$i" "${A[@]}" >/dev/null 2>&1
  cmp -s "$work/f$i" "$work/restored-$i/live/f$i" || { echo "bench: snapshot $snap lacks live/f$i" >&2; exit 1; }
  rm -rf "$work/restored-$i"
  within=$(python3 -c "import re; v,u=re.match(r'(\d+)(\w+)', '$rpo').groups(); s=int(v)*{'s':1,'min':60,'h':3600}[u]; print('yes' if $d <= s else 'NO')")
  delays+=("$d")
  log "| $i | $d | $within |"
done
stop_agent
python3 - "${delays[@]}" <<'PY' | tee -a "$md" >&2
import statistics, sys
d = sorted(float(x) for x in sys.argv[1:])
print(f"\nStreamVault: median {statistics.median(d):.1f} s, max {d[-1]:.1f} s from write to sealed snapshot.")
PY

# restic and borg: a backup started right after each write (their best case).
export RESTIC_PASSWORD="bench password" BORG_PASSPHRASE="bench password" BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes
restic init -r "$work/restic" >/dev/null 2>&1
restic backup -q -r "$work/restic" "$work/src" >/dev/null 2>&1
borg init -e repokey "$work/borg" >/dev/null 2>&1
borg create "$work/borg::first" "$work/src" >/dev/null 2>&1
log ""
log "| round | restic backup after the write, s | borg create after the write, s |"
log "|---|---|---|"
for i in 1 2 3; do
  head -c 1048576 /dev/urandom > "$work/src/live/r$i"
  t=$(now_ms); restic backup -q -r "$work/restic" "$work/src" >/dev/null 2>&1; r=$(( $(now_ms) - t ))
  t=$(now_ms); borg create "$work/borg::r$i" "$work/src" >/dev/null 2>&1; b=$(( $(now_ms) - t ))
  log "| $i | $(python3 -c "print(f'{$r / 1000:.1f}')") | $(python3 -c "print(f'{$b / 1000:.1f}')") |"
done
log ""
log "restic and borg would have to run that backup after every change (or on a short timer, adding"
log "the timer's interval to the delay); StreamVault's agent waits for the change feed instead."
echo "bench: results in $md" >&2
