#!/usr/bin/env bash
# bench/scan.sh [FILES] - scan rate of a no-change backup over a tree of small files (default
# 1,000,000 files in 1,000 directories, 64 bytes each), StreamVault with an agent already running
# against `restic backup` of the same tree, in the same run. Each tool first makes a full backup
# (not timed for the rate, reported anyway), then a no-change backup whose files per second is the
# figure. Also reports the peak RSS of the agent and of restic. Results:
# bench/results/scan-<time>.md (git-ignored). Needs JDK 17, Maven, python3, GNU time, restic.
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
files="${1:-1000000}"
work="$results/scan-work"
tree="$results/small-files-$files"
md="$results/scan-$stamp.md"
log() { echo "$*" | tee -a "$md" >&2; }

need restic restic
need /usr/bin/time time
launcher

if [ ! -f "$tree.complete" ]; then
  rm -rf "$tree"
  echo "bench: creating $files small files in $tree" >&2
  python3 - "$tree" "$files" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
dirs = max(1, n // 1000)
for d in range(dirs):
    p = os.path.join(root, f"d{d // 100:03d}", f"d{d:05d}")
    os.makedirs(p, exist_ok=True)
    for f in range(n // dirs):
        with open(os.path.join(p, f"f{f:05d}.txt"), "wb") as fh:
            fh.write(b"%064d" % (d * 100000 + f))
PY
  touch "$tree.complete"
fi
rm -rf "$work"
mkdir -p "$work"
pw="$work/password"
echo "bench password" > "$pw"
export RESTIC_PASSWORD="bench password"

"$sv" init --vault "$work/vault" --password-file "$pw" >&2
start_agent "$work/vault" "$work/state" "$pw"
agent=$agent_java
restic init --repo "$work/restic" >&2

# timed (bench/lib.sh) prints "wall_s cpu_s peak_rss_kib"
read -r sv_full _ _ < <(timed "$sv" backup "$tree" --vault "$work/vault" --state-dir "$work/state" --password-file "$pw" --json)
read -r restic_full _ restic_full_rss < <(timed restic backup --repo "$work/restic" "$tree")
echo 5 > "/proc/$agent/clear_refs" 2>/dev/null || true
read -r sv_same _ _ < <(timed "$sv" backup "$tree" --vault "$work/vault" --state-dir "$work/state" --password-file "$pw" --json)
unmodified=$(python3 -c "import json,sys; print(json.loads(open('$work/last.out').read().strip().splitlines()[-1])['files_unmodified'])")
agent_rss=$(awk '/VmHWM/{print $2}' "/proc/$agent/status")
read -r restic_same _ restic_same_rss < <(timed restic backup --repo "$work/restic" "$tree")

rate() { python3 -c "print(f'{$files / $1:,.0f}')"; }
log "# Scan rate of a no-change backup: $files small files ($stamp)"
log ""
log "- command: \`bench/scan.sh $files\`; tree: $files files of 64 bytes in $((files / 1000)) directories"
log "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); $(java -version 2>&1 | head -1); $(restic version | head -1); streamvault $(git -C "$here" rev-parse --short HEAD); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
log "- StreamVault with an agent already running (\`streamvault agent\`, embedded broker in the agent); the no-change backup found $unmodified files unmodified"
log ""
log "| | full backup s | no-change backup s | no-change files/s | peak RSS MiB (no-change) |"
log "|---|---|---|---|---|"
log "| streamvault (agent) | $sv_full | $sv_same | $(rate "$sv_same") | $((agent_rss / 1024)) (agent) |"
log "| restic | $restic_full | $restic_same | $(rate "$restic_same") | $((restic_same_rss / 1024)) |"
log "| ratio streamvault / restic | | $(python3 -c "print(f'{$sv_same / $restic_same:.2f}')") | | |"
echo "bench: results in $md" >&2
