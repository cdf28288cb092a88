# bench/lib.sh - sourced by every bench script: where the checkout, the results and the shared
# data set tools are, and one way to build what a benchmark runs.
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
results="$here/bench/results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
shared="${SV_SHARED:-$here/../shared}"
[ -f "$shared/bench/make-dataset.sh" ] || shared=/work/shared

# build [MODULE]: packages MODULE and the modules it needs (the whole project without one),
# offline first, quietly.
build() {
  local only=()
  [ -z "${1:-}" ] || only=(-pl "$1" -am)
  (cd "$here" && { mvn -B -q -o -DskipTests package "${only[@]}" >/dev/null 2>&1 \
    || mvn -B -q -DskipTests package "${only[@]}" >/dev/null; })
}

# need COMMAND PACKAGE: stops with the line that installs COMMAND when it is missing.
need() {
  command -v "$1" >/dev/null || { echo "bench: $1 is needed (apt-get install -y $2)" >&2; exit 1; }
}

# launcher: builds the launcher and points $sv at bin/streamvault, which then does not rebuild mid-run.
launcher() {
  build launcher
  export STREAMVAULT_NO_BUILD=1
  # A backup command runs its job itself unless a benchmark asks for the background agent that a
  # user's first backup starts (bench/run.sh's sv-first column sets this per command).
  export STREAMVAULT_AGENT_IDLE=0
  sv="$here/bin/streamvault"
  # What bin/streamvault does after it builds: the agent's AOT cache (with Java 25) and the commands'
  # class-data archive, so that no timed command pays for them or runs without them.
  "$sv" --train-agent
}

# shared_dataset DIR [SEED]: makes (once) the shared ~2 GiB data set in DIR with
# the shared data set generator (make-dataset.sh, found through $SV_SHARED) (DS_SEED SEED, default the generator's own 20240101).
shared_dataset() {
  if [ ! -f "$1.complete" ]; then
    rm -rf "$1"
    echo "bench: generating the data set into $1${2:+ (DS_SEED $2)}" >&2
    DS_SEED="${2:-20240101}" "$shared/bench/make-dataset.sh" "$1" >&2
    touch "$1.complete"
  fi
}

# warm_up_data: makes (once) the data an agent backs up before it is measured: 1 GiB of mixed files
# (bench/gen-mixed.py), eight more sets of 256 MiB of mixed files (BENCH_SEED 101 to 108: none of
# each other's chunks) and a second copy of the shared data set made with another seed (DS_SEED
# 20240202: the same kinds of files, none of the measured bytes; its backup stores as much as the
# measured one's, so nothing of it is deduplicated later). $warm_all lists them all.
warm_up_data() {
  warm="$results/warm-up-1g"
  if [ ! -f "$warm.complete" ]; then
    rm -rf "$warm"; python3 "$here/bench/gen-mixed.py" "$warm" 1024 >&2; touch "$warm.complete"
  fi
  warm_small=()
  local i d
  for i in 1 2 3 4 5 6 7 8; do
    d="$results/warm-up-256m-$i"
    if [ ! -f "$d.complete" ]; then
      rm -rf "$d"; BENCH_SEED=$((100 + i)) python3 "$here/bench/gen-mixed.py" "$d" 256 >&2; touch "$d.complete"
    fi
    warm_small+=("$d")
  done
  warm_ds="$results/warm-up-dataset"
  shared_dataset "$warm_ds" 20240202
  warm_all=("$warm" "${warm_small[@]}" "$warm_ds")
}

# warm_up_agent VAULT STATE PASSWORD_FILE: what a running agent has done before it is measured:
# backed up other data, ten sets (warm_up_data's, the second data set last), then three no-change
# backups of the first. None of it is timed. Ten because the JIT takes that long to settle: in the
# measured full backup after two new-data backups C2 still compiled for 2.0-2.4 s of CPU, after six
# 1.3 s, after ten 0.8-1.0 s (docs/performance.md, fourth pass); a running agent does one backup
# after another for months.
warm_up_agent() {
  local d
  for d in "${warm_all[@]}" "$warm" "$warm" "$warm"; do
    "$sv" backup "$d" --vault "$1" --state-dir "$2" --password-file "$3" --json > /dev/null
  done
}

# start_agent VAULT STATE PASSWORD_FILE: runs `streamvault agent` in the background (output in
# $work/agent.out and agent.err) and waits until it is ready; sets agent_java (its JVM's pid) and
# stops it when this shell exits.
agent_java=""
start_agent() {
  "$sv" agent --vault "$1" --state-dir "$2" --password-file "$3" > "$work/agent.out" 2> "$work/agent.err" &
  agent_bash=$!
  for _ in $(seq 1 240); do grep -q ' ready' "$work/agent.out" 2>/dev/null && break; sleep 0.5; done
  grep -q ' ready' "$work/agent.out" || { echo "bench: the agent did not start" >&2; cat "$work/agent.err" >&2; exit 1; }
  agent_java=$(pgrep -f -n "launcher.Main agent --vault $1")
  trap stop_agent EXIT
}
stop_agent() {
  if [ -n "$agent_java" ]; then kill "$agent_java" 2>/dev/null || true; wait "$agent_bash" 2>/dev/null || true; fi
  agent_java=""
}

# timed CMD...: prints "wall_s cpu_s peak_rss_kib" of CMD (CPU and peak RSS include its children).
# With agent_pid set, that process's CPU during CMD is added and its peak RSS (reset first) counted.
# With started_in set instead (a state directory), the background agent that CMD started there (a
# backup's first command) is counted whole: all its CPU and its peak RSS. CMD's output goes to $work/last.out and last.err; the bench stops if it fails.
agent_pid=""
started_in=""
# agent_of STATE: the pid of the (one) agent of a state directory.
agent_of() {
  "$sv" agent --status --json --state-dir "$1" | python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["pid"])'
}
timed() {
  local s e a0=0 a1=0 hwm=0
  if [ -n "$agent_pid" ]; then
    echo 5 > "/proc/$agent_pid/clear_refs" 2>/dev/null || true
    a0=$(awk '{print $14 + $15}' "/proc/$agent_pid/stat")
  fi
  s=$(date +%s.%N)
  /usr/bin/time -f "%U %S %M" -o "$work/time.out" "$@" > "$work/last.out" 2> "$work/last.err" || {
    echo "bench: command failed: $*" >&2; tail -20 "$work/last.err" >&2; exit 1; }
  e=$(date +%s.%N)
  if [ -z "$agent_pid" ] && [ -n "$started_in" ]; then
    local started
    started=$(agent_of "$started_in")
    a1=$(awk '{print $14 + $15}' "/proc/$started/stat")
    hwm=$(awk '/VmHWM/{print $2}' "/proc/$started/status")
  elif [ -n "$agent_pid" ]; then
    a1=$(awk '{print $14 + $15}' "/proc/$agent_pid/stat")
    hwm=$(awk '/VmHWM/{print $2}' "/proc/$agent_pid/status")
  fi
  python3 - "$s" "$e" "$(tail -1 "$work/time.out")" "$a0" "$a1" "$hwm" "$(getconf CLK_TCK)" <<'PY'
import sys
s, e, line, a0, a1, hwm, tck = sys.argv[1:]
u, y, m = line.split()
cpu = float(u) + float(y) + (float(a1) - float(a0)) / float(tck)
print(f"{float(e) - float(s):.2f} {cpu:.1f} {max(int(m), int(hwm))}")
PY
}

# median N...: the median of the numbers given (the mean of the middle two for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# page_cache DIR...: reads every file under the DIRs once, so that a timed tool finds them in the page cache.
page_cache() { find "$@" -type f -print0 | xargs -0 cat > /dev/null; }

# log TEXT...: a line of the script's report ($md, or $log_to when set), echoed to stderr as it is written.
log() { echo "$*" | tee -a "${log_to:-$md}" >&2; }
