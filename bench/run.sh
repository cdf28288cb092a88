#!/usr/bin/env bash
# bench/run.sh [DATASET_DIR] - StreamVault against restic and borg, on the same data, in one run.
#
# Generates the shared ~2 GiB dataset (the shared data set generator (make-dataset.sh, found through $SV_SHARED), deterministic) unless a
# directory is given, installs restic and borg from the distribution's packages if missing, then
# for each tool, on one working copy of the data:
#   full backup -> no-change backup -> mutate-dataset.sh (once, for all) -> incremental backup
#   -> restore of the latest snapshot into an empty directory (verified equal with dsgen.py compare)
# recording wall time, CPU time (user+sys) and peak RSS of every step, and the repository size.
# Each step starts after a sync; each restore after the page cache is dropped too (when run as root).
# StreamVault is measured three times. sv-first: the command as a new user types it, right after
# the build on a fresh state directory: its first backup starts the background agent (counted whole:
# its start, its CPU, its peak RSS) and hands it the job; the later steps hand theirs to that agent
# (its share counted), which is then stopped before the restores. sv-cli: the command with the
# background agent turned off (STREAMVAULT_AGENT_IDLE=0: broker and workers start with each command).
# sv-agent: with an agent already running (`streamvault agent`; the CLI only submits and follows the job;
# the agent's CPU and peak RSS for the step are added to the command's). A long-running agent has
# its code compiled by the JIT; to measure that state and not the JVM's warm-up, the agent first
# backs up ten sets of unrelated data (1 GiB and eight times 256 MiB from bench/gen-mixed.py, then
# a second copy of the shared data set made with another seed), then the first three times more
# unchanged, none of it counted in any figure (its bytes are subtracted from the agent vault's size).
# With the agent running, the backup command hands each job to it (its socket in the state
# directory) and only prints what the agent sends back.
# Tools: sv-first, sv-cli, sv-agent, restic (repository v2, compression auto), borg (repokey, zstd,3).
#
# Results: bench/results/run-<time>.md and .json (git-ignored). Needs JDK 17, Maven, python3,
# openssl, GNU time; apt-get for restic and borgbackup when they are missing.
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
work="$results/run-work"
md="$results/run-$stamp.md"
json="$results/run-$stamp.json"

need_pkg() { # command package
  command -v "$1" >/dev/null && return
  echo "bench: installing $2" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q "$2" >&2 || { apt-get update -q >&2 && apt-get install -y -q "$2" >&2; }
  else sudo apt-get install -y -q "$2" >&2; fi
}
need_pkg restic restic
need_pkg borg borgbackup
[ -x /usr/bin/time ] || need_pkg /usr/bin/time time

launcher
warm_up_data

# ---- data: a pristine dataset, and in each round one working copy that all tools back up and that
# is mutated once
dataset="${1:-$results/dataset}"
[ -n "${1:-}" ] || shared_dataset "$dataset"
bytes=$(du -sb --apparent-size "$dataset" | cut -f1)
files=$(find "$dataset" -type f | wc -l)
rounds="${BENCH_ROUNDS:-3}"
all_tools="sv-first sv-cli sv-agent restic borg"
src="$work/src"
pw="$work/password"
export RESTIC_PASSWORD="bench password" BORG_PASSPHRASE="bench password" BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes
export BORG_RELOCATED_REPO_ACCESS_IS_OK=yes BORG_BASE_DIR="$work/borg-home"

# ---- measurement: timed (bench/lib.sh) gives "wall cpu rss_kib"; agent_pid adds the agent's share
size_of() { du -sb "$1" | cut -f1; }
# Every step starts with the previous one's writes on disk (sync), so that no tool pays for another's
# dirty pages; each restore also starts with the page cache dropped (when allowed: root), so that every
# tool reads its repository from disk and writes into the same free memory.
settle() { sync; if [ "${1:-}" = cold ]; then echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; fi; }

declare -A R   # R[tool.step] = "wall cpu rss", this round's
declare -A SIZE

backup() { # tool step
  local tool=$1 step=$2
  settle
  case $tool in
    sv-first) R[$tool.$step]=$(STREAMVAULT_AGENT_IDLE=30min timed "$sv" backup "$src" --vault "$work/sv-first-vault" --state-dir "$work/sv-first-state" --password-file "$pw" --json) ;;
    sv-cli)   R[$tool.$step]=$(timed "$sv" backup "$src" --vault "$work/sv-cli-vault" --state-dir "$work/sv-cli-state" --password-file "$pw" --json) ;;
    sv-agent) R[$tool.$step]=$(timed "$sv" backup "$src" --vault "$work/sv-agent-vault" --state-dir "$work/sv-agent-state" --password-file "$pw" --json) ;;
    restic)   R[$tool.$step]=$(timed restic backup --repo "$work/restic-repo" "$src") ;;
    borg)     R[$tool.$step]=$(timed borg create --compression zstd,3 "$work/borg-repo::$step" "$src") ;;
  esac
  if [[ $tool == sv-* ]]; then cp "$work/last.out" "$work/$tool-$step.json"; fi
  if [ "$tool" = sv-first ] && [ -z "$first_pid" ]; then first_pid=$(agent_of "$work/sv-first-state"); fi
}
restore() { # tool
  local tool=$1 out="$work/restore-$1" got
  rm -rf "$out"; mkdir -p "$out"
  settle cold
  case $tool in
    sv-first) R[$tool.restore]=$(timed "$sv" restore latest --target "$out" --vault "$work/sv-first-vault" --password-file "$pw"); got="$out" ;;
    sv-cli)   R[$tool.restore]=$(timed "$sv" restore latest --target "$out" --vault "$work/sv-cli-vault" --password-file "$pw"); got="$out" ;;
    sv-agent) R[$tool.restore]=$(timed "$sv" restore latest --target "$out" --vault "$work/sv-agent-vault" --password-file "$pw"); got="$out" ;;
    restic)   R[$tool.restore]=$(timed restic restore latest --repo "$work/restic-repo" --target "$out"); got="$out$src" ;;
    borg)     R[$tool.restore]=$(cd "$out" && timed borg extract "$work/borg-repo::incremental"); got="$out$src" ;;
  esac
  if python3 "$shared/bench/dsgen.py" compare "$src" "$got" > "$work/compare-$tool.log" 2>&1; then
    R[$tool.verified]=same
  else
    R[$tool.verified]="DIFFERS (see $work/compare-$tool.log)"
  fi
  rm -rf "$out"
}

# One round: fresh copies, repositories, state directories and agents; the tools in the order given.
round() {
local r=$1 tools=$2
R=(); SIZE=()
rm -rf "$work"
mkdir -p "$work"
cp -a "$dataset" "$src"
echo "bench password" > "$pw"
first_pid=""
echo "bench: round $r of $rounds, in the order $tools" >&2
"$sv" init --vault "$work/sv-first-vault" --password-file "$pw" >&2
"$sv" init --vault "$work/sv-cli-vault" --password-file "$pw" >&2
"$sv" init --vault "$work/sv-agent-vault" --password-file "$pw" >&2
restic init --repository-version 2 --repo "$work/restic-repo" >&2
borg init --encryption repokey "$work/borg-repo" >&2

echo "bench: starting the agent" >&2
start_agent "$work/sv-agent-vault" "$work/sv-agent-state" "$pw"
echo "bench: warming the agent up with backups of ${#warm_all[@]} other data sets, then three no-change backups" >&2
warm_up_agent "$work/sv-agent-vault" "$work/sv-agent-state" "$pw"
warm_bytes=$(du -sb "$work/sv-agent-vault" | cut -f1)
# The warm agent's stores compact, and the broker flushes, for a while after thirteen backups: let
# that pass, so that the step after it does not pay for it.
sync; sleep 15

trap 'stop_first; stop_agent' EXIT

for step in full no-change; do
  for tool in $tools; do
    echo "bench: $tool $step backup" >&2
    pick_agent "$tool"
    backup "$tool" "$step"
  done
done
echo "bench: mutating the dataset" >&2
"$shared/bench/mutate-dataset.sh" "$src" >&2
for tool in $tools; do
  echo "bench: $tool incremental backup" >&2
  pick_agent "$tool"
  backup "$tool" incremental
done
agent_pid=""; started_in=""
stop_first
for tool in $tools; do
  echo "bench: $tool restore" >&2
  restore "$tool"
done
SIZE[sv-first]=$(size_of "$work/sv-first-vault"); SIZE[sv-cli]=$(size_of "$work/sv-cli-vault"); SIZE[sv-agent]=$(( $(size_of "$work/sv-agent-vault") - warm_bytes ))
SIZE[restic]=$(size_of "$work/restic-repo"); SIZE[borg]=$(size_of "$work/borg-repo")
stop_agent
{
  echo "TOOLS=$all_tools"
  for k in "${!R[@]}"; do echo "R $k ${R[$k]}"; done
  for k in "${!SIZE[@]}"; do echo "S $k ${SIZE[$k]}"; done
} > "$results/run-$stamp.round$r"
}

# Which agent's work a step counts: sv-agent's (warm), sv-first's (the one its first command started:
# counted whole in that command, its share afterwards), or none.
first_pid=""
pick_agent() {
  agent_pid=""; started_in=""
  case $1 in
    sv-agent) agent_pid=$agent_java ;;
    sv-first) if [ -n "$first_pid" ]; then agent_pid=$first_pid; else started_in="$work/sv-first-state"; fi ;;
  esac
}
stop_first() { [ ! -d "$work/sv-first-state" ] || "$sv" agent --stop --state-dir "$work/sv-first-state" >&2 || true; }

# Each round starts with another tool (the order rotates), so that none is always first.
order=($all_tools)
raws=()
for r in $(seq 1 "$rounds"); do
  k=$(( (r - 1) % ${#order[@]} ))
  round "$r" "${order[*]:$k} ${order[*]:0:$k}"
  raws+=("$results/run-$stamp.round$r")
done

# ---- report: the median of the rounds for every cell
python3 - "$(IFS=,; echo "${raws[*]}")" "$md" "$json" "$bytes" "$files" "$stamp" "$(nproc)" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
  "$(java -version 2>&1 | head -1)" "$(restic version | head -1)" "$(borg --version)" \
  "$(git -C "$here" rev-parse --short HEAD)" "$dataset" <<'PY'
import json, statistics, sys
raws, md, js, nbytes, nfiles, stamp, cores, cpu, jv, rv, bv, rev, dataset = sys.argv[1:]
runs, tools = [], []
for raw in raws.split(","):
    one = {"R": {}, "S": {}}
    for line in open(raw):
        p = line.split()
        if p[0].startswith("TOOLS="):
            tools = line.strip().split("=", 1)[1].split()
        elif p[0] == "R":
            one["R"][p[1]] = p[2:]
        elif p[0] == "S":
            one["S"][p[1]] = int(p[2])
    runs.append(one)
R, S = {}, {}
for k in runs[0]["R"]:
    vals = [r["R"][k] for r in runs if k in r["R"]]
    if not k.endswith(".verified"):
        R[k] = [f"{statistics.median(float(v[i]) for v in vals):g}" for i in range(3)]
        R[k][2] = str(int(float(R[k][2])))
    else:
        R[k] = [v[0] for v in vals if v[0] != "same"][:1] or ["same"]
for k in runs[0]["S"]:
    S[k] = int(statistics.median(r["S"][k] for r in runs))
steps = ["full", "no-change", "incremental", "restore"]
SV = [t for t in tools if t.startswith("sv-")]
mib = int(nbytes) / 1048576
out = []
w = out.append
w(f"# StreamVault against restic and borg ({stamp})\n")
w(f"- command: `bench/run.sh`; dataset {dataset}: {nfiles} files, {mib:.0f} MiB apparent size")
w(f"- machine: {cores} cores ({cpu}); versions: {jv}; {rv}; {bv}; streamvault {rev}")
w(f"- each cell: the median of {len(runs)} rounds (each starting with another tool) of wall seconds / CPU seconds / peak RSS MiB; full and restore also MiB/s over the dataset\n")
w("| step | " + " | ".join(tools) + " |")
w("|---|" + "---|" * len(tools))
for st in steps:
    cells = []
    for t in tools:
        v = R.get(f"{t}.{st}")
        if not v:
            cells.append("-"); continue
        wall, cpu_s, rss = float(v[0]), float(v[1]), int(v[2]) / 1024
        extra = f", {mib / wall:.0f} MiB/s" if st in ("full", "restore") else ""
        cells.append(f"{wall:.1f} s / {cpu_s:.1f} s / {rss:.0f} MiB{extra}")
    w(f"| {st} | " + " | ".join(cells) + " |")
w("| repository size | " + " | ".join(f"{S[t] / 1048576:.0f} MiB" for t in tools) + " |")
w("| restore verified | " + " | ".join(R.get(f"{t}.verified", ["-"])[0] for t in tools) + " |")
w("")
w("Ratios of StreamVault to each peer (time: lower is better; size: lower is better):\n")
w("| step | " + " | ".join(f"{s} / {p}" for s in SV for p in ("restic", "borg")) + " |")
w("|---|" + "---|" * (2 * len(SV)))
for st in steps:
    cells = []
    for s in SV:
        for p in ("restic", "borg"):
            a, b = R.get(f"{s}.{st}"), R.get(f"{p}.{st}")
            cells.append(f"{float(a[0]) / float(b[0]):.2f}" if a and b else "-")
    w(f"| {st} time | " + " | ".join(cells) + " |")
w("| repository size | " + " | ".join(f"{S[s] / S[p]:.2f}" for s in SV for p in ("restic", "borg")) + " |")
w("")
w("Full backup, wall seconds in each round:\n")
w("| round | " + " | ".join(tools) + " |")
w("|---|" + "---|" * len(tools))
for i, r in enumerate(runs):
    w(f"| {i + 1} | " + " | ".join(r["R"].get(f"{t}.full", ["-"])[0] for t in tools) + " |")
open(md, "a").write("\n".join(out) + "\n")
print("\n".join(out))
json.dump({"stamp": stamp, "files": int(nfiles), "bytes": int(nbytes), "tools": tools, "rounds": runs,
           "results": {k: {"wall_s": float(v[0]), "cpu_s": float(v[1]), "rss_kib": int(v[2])} if len(v) == 3 else v[0]
                       for k, v in R.items()},
           "repository_bytes": S}, open(js, "w"), indent=1)
PY
echo "bench: results in $md and $json" >&2
