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
  sv="$here/bin/streamvault"
  # A user's first backup after a build makes the class-data-sharing archive (bin/streamvault);
  # one small backup here does it, so that no timed command pays for it or runs without it.
  local tmp
  tmp="$(mktemp -d)"
  mkdir "$tmp/data" && echo warm-up > "$tmp/data/file" && echo warm-up > "$tmp/password"
  "$sv" init --vault "$tmp/vault" --password-file "$tmp/password" >/dev/null
  "$sv" backup "$tmp/data" --vault "$tmp/vault" --state-dir "$tmp/state" --password-file "$tmp/password" >/dev/null
  rm -rf "$tmp"
}
