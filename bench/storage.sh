#!/usr/bin/env bash
# bench/storage.sh [MiB] - backup (upload) and restore throughput and peak RSS of the streamvault
# command for one first backup of a mixed data set (default 1024 MiB), against a local vault and
# against an Azure vault on Azurite (loopback). Results: bench/results/storage-<time>.{txt,md}
# (git-ignored). Needs JDK 17, Maven, Node.js (Azurite), python3, GNU time (/usr/bin/time).
#
# Each backup is one `streamvault backup` with its own fresh state directory and embedded broker,
# so the figures include the broker's start (a few seconds); throughput is also given over the
# command's own duration_ms. The restore is one `streamvault restore` of that snapshot.
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
size_mib="${1:-1024}"
work="$results/work-$stamp"
data="$results/data-${size_mib}m"
mkdir -p "$work"
txt="$results/storage-$stamp.txt"
md="$results/storage-$stamp.md"
log_to="$txt" # log() writes here (bench/lib.sh); the report is $md

need /usr/bin/time time
"$here/bin/install-azurite"
# build once, outside the timed runs
build
export STREAMVAULT_NO_BUILD=1

if [ ! -f "$data/.complete" ]; then
  rm -rf "$data"
  log "bench: generating $size_mib MiB of mixed data into $data"
  python3 "$here/bench/gen-mixed.py" "$data" "$size_mib"
  touch "$data/.complete"
fi
bytes=$(du -sb --exclude=.complete "$data" | cut -f1)
files=$(find "$data" -type f ! -name .complete | wc -l)

pw="$work/password"
echo "bench password" > "$pw"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$here/.tools/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" --disableTelemetry --silent \
  --blobKeepAliveTimeout 60 --location "$work/azurite" > "$work/azurite.log" 2>&1 &
azurite=$!
trap 'kill $azurite 2>/dev/null || true; wait $azurite 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$port/devstoreaccount1?comp=list" && break
  sleep 0.2
done
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"

sv() { "$here/bin/streamvault" "$@"; }

# timed NAME CMD... : runs CMD under GNU time; sets SECS and RSS_MB
timed() {
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" || {
    echo "bench: $name failed:" >&2; tail -5 "$work/$name.err" >&2; exit 1; }
  read -r SECS RSS_KB < "$work/$name.time"
  RSS_MB=$((RSS_KB / 1024))
}

mbps() { python3 -c "print(f'{$1/1e6/$2:.1f}')"; }

{
  echo "| vault | backup wall s | backup MB/s (wall) | backup MB/s (duration_ms) | backup peak RSS MiB | bytes added MB | restore s | restore MB/s | restore peak RSS MiB |"
  echo "|---|---|---|---|---|---|---|---|---|"
} > "$md"

for kind in local azure; do
  if [ "$kind" = local ]; then vault="$work/vault-local"; else vault="azure://bench-$(date +%s)"; fi
  sv init --vault "$vault" --password-file "$pw" > /dev/null
  timed "backup-$kind" "$here/bin/streamvault" backup "$data" --vault "$vault" --password-file "$pw" --state-dir "$work/state-$kind" --json
  b_secs=$SECS; b_rss=$RSS_MB
  summary=$(tail -1 "$work/backup-$kind.out")
  dur_ms=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['duration_ms'])" "$summary")
  added=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['bytes_added'])" "$summary")
  timed "restore-$kind" "$here/bin/streamvault" restore latest --target "$work/restored-$kind" --vault "$vault" --password-file "$pw"
  r_secs=$SECS; r_rss=$RSS_MB
  restored=$(du -sb "$work/restored-$kind" | cut -f1)
  [ "$restored" -ge "$bytes" ] || { echo "bench: restore of $kind is short: $restored of $bytes bytes" >&2; exit 1; }
  log "$kind: backup ${b_secs}s (duration_ms $dur_ms), peak RSS ${b_rss} MiB, added $added bytes; restore ${r_secs}s, peak RSS ${r_rss} MiB"
  echo "| $kind | $b_secs | $(mbps "$bytes" "$b_secs") | $(mbps "$bytes" "$(python3 -c "print($dur_ms/1000)")") | $b_rss | $((added / 1000000)) | $r_secs | $(mbps "$bytes" "$r_secs") | $r_rss |" >> "$md"
  rm -rf "$work/restored-$kind"
done

{
  echo
  echo "Data set: $files files, $bytes bytes ($size_mib MiB, bench/gen-mixed.py: 1/2 random, 3/8 text-like, 1/8 small files)."
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -sr); $(java -version 2>&1 | head -1); Node $(node --version); Azurite 3.37.0 on 127.0.0.1 (disk persistence)."
  echo "Command: bench/storage.sh $size_mib ($stamp)"
} >> "$md"
cat "$md"
rm -rf "$work/azurite" "$work/vault-local" "$work"/state-*
