#!/usr/bin/env bash
# bench/scan.sh [FILES] - the first and a no-change backup of a tree of small files (default
# 1,000,000 files in 1,000 directories, 64 bytes each), StreamVault (an agent started just before)
# against `restic backup` of the same tree, in the same run: ROUNDS rounds (default 3), each on a
# fresh vault and repository with the tree in the page cache, the tools alternating which goes
# first; each figure is the median of the rounds. Also reports the peak RSS of the agent and of
# restic. Results: bench/results/scan-<time>.md (git-ignored). Needs JDK 17, Maven, python3, GNU
# time, restic.
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
files="${1:-1000000}"
work="$results/scan-work"
tree="$results/small-files-$files"
md="$results/scan-$stamp.md"

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
rounds="${ROUNDS:-3}"
declare -a SV_FULL SV_SAME SV_RSS R_FULL R_SAME R_RSS
sv_round() { # full and no-change backups with a freshly started agent (timed: "wall_s cpu_s peak_rss_kib")
  start_agent "$work/r/vault" "$work/r/state" "$pw"
  local agent=$agent_java
  read -r SV_FULL[$r] _ _ < <(timed "$sv" backup "$tree" --vault "$work/r/vault" --state-dir "$work/r/state" --password-file "$pw" --json)
  read -r SV_SAME[$r] _ _ < <(timed "$sv" backup "$tree" --vault "$work/r/vault" --state-dir "$work/r/state" --password-file "$pw" --json)
  unmodified=$(python3 -c "import json; print(json.loads(open('$work/last.out').read().strip().splitlines()[-1])['files_unmodified'])")
  SV_RSS[$r]=$(( $(awk '/VmHWM/{print $2}' "/proc/$agent/status") / 1024 ))
  stop_agent
}
restic_round() {
  read -r R_FULL[$r] _ _ < <(timed restic backup --repo "$work/r/restic" "$tree")
  read -r R_SAME[$r] _ rss < <(timed restic backup --repo "$work/r/restic" "$tree")
  R_RSS[$r]=$((rss / 1024))
}
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/r"
  mkdir -p "$work/r"
  "$sv" init --vault "$work/r/vault" --password-file "$pw" >&2
  restic init --repo "$work/r/restic" >/dev/null 2>&1
  # Both tools meet the tree in the page cache: the first to read it after it was made (or after
  # bench/run.sh dropped the caches) would otherwise pay the disk for both.
  page_cache "$tree"
  if [ $((r % 2)) = 1 ]; then sv_round; restic_round; else restic_round; sv_round; fi
  echo "bench: round $r: streamvault ${SV_FULL[$r]} s / ${SV_SAME[$r]} s, restic ${R_FULL[$r]} s / ${R_SAME[$r]} s" >&2
done
sv_full=$(median "${SV_FULL[@]}"); sv_same=$(median "${SV_SAME[@]}"); sv_rss=$(median "${SV_RSS[@]}")
restic_full=$(median "${R_FULL[@]}"); restic_same=$(median "${R_SAME[@]}"); restic_rss=$(median "${R_RSS[@]}")

rate() { python3 -c "print(f'{$files / $1:,.0f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
log "# Scan rate of a no-change backup: $files small files ($stamp)"
log ""
log "- command: \`bench/scan.sh $files\` (ROUNDS=$rounds); tree: $files files of 64 bytes in $((files / 1000)) directories"
log "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); $(java -version 2>&1 | head -1); $(restic version | head -1); streamvault $(git -C "$here" rev-parse --short HEAD); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
log "- each round: a fresh vault and repository, the tree read once into the page cache, then each tool's full and no-change backup, the tools alternating which goes first; StreamVault with an agent started just before on a fresh state directory (\`streamvault agent\`, embedded broker), its peak RSS over both backups; the no-change backup found $unmodified files unmodified"
log "- each cell: the median of the rounds"
log ""
log "| | full backup s | no-change backup s | no-change files/s | peak RSS MiB |"
log "|---|---|---|---|---|"
log "| streamvault (agent) | $sv_full | $sv_same | $(rate "$sv_same") | $sv_rss (agent) |"
log "| restic | $restic_full | $restic_same | $(rate "$restic_same") | $restic_rss |"
log "| ratio streamvault / restic | $(ratio "$sv_full" "$restic_full") | $(ratio "$sv_same" "$restic_same") | | |"
log ""
log "| round | first | streamvault full s | restic full s | streamvault no-change s | restic no-change s |"
log "|---|---|---|---|---|---|"
for r in $(seq 1 "$rounds"); do
  log "| $r | $([ $((r % 2)) = 1 ] && echo streamvault || echo restic) | ${SV_FULL[$r]} | ${R_FULL[$r]} | ${SV_SAME[$r]} | ${R_SAME[$r]} |"
done
echo "bench: results in $md" >&2
