#!/usr/bin/env bash
# bench/faults.sh [ROUNDS] [SEED] - the fault campaign (docs/reliability.md): every scenario of
# launcher's FaultCampaign (kill -9 of a one-shot backup, of an agent during a backup with one and
# with three agents, of a restore, of copy --once, of forget --prune; storage faults through a
# fault-injecting proxy in front of Azurite, Azurite restarted mid-backup; the agent that runs the
# embedded broker killed and restarted; a separate broker (streamvault broker) killed and restarted
# under two agents that must reconnect by themselves; the vault's file system full) ROUNDS times
# each (default 10), after each round counting snapshots lost or corrupt, reruns that did not complete and
# `check --read-data` errors. It is FaultCampaignIT (one round in bin/test) with more rounds: Maven
# builds what it needs and runs it; everything runs on this machine (the Kafka broker in the test's
# JVM, Azurite from .tools/, a tmpfs for the full disk, which needs root). Bounded: the test JVM is
# stopped after 10 minutes plus 4 per round. SEED (default: the time) makes a run repeatable.
# The workers run with the default transaction.timeout.ms (60 s; FAULTS_TXN_MS=15000 as in bin/test),
# so that the stall an agent killed mid-backup causes is measured as users would meet it.
# Results: bench/results/faults-<time>.md (the table) and faults-<time>.log (git-ignored).
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
rounds="${1:-10}"
seed="${2:-$(date +%s)}"
txn="${FAULTS_TXN_MS:-60000}" # transaction.timeout.ms of the campaign's workers: the default, for the stall
md="$results/faults-$stamp.md"
out="$results/faults-$stamp.log"
table="$results/faults-$stamp.table"
"$here/bin/install-azurite" >/dev/null || echo "bench: Azurite could not be installed; the storage scenario will fail" >&2
bound=$((600 + 240 * rounds))
args=(-B -pl launcher -am verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false
      -Dit.test=FaultCampaignIT -Dfailsafe.failIfNoSpecifiedTests=false -Dfailsafe.timeout="$bound"
      -Dfaults.scenarios=all -Dfaults.transaction.timeout.ms="$txn" -Dfaults.rounds="$rounds" -Dfaults.seed="$seed" -Dfaults.report="$table")
echo "bench: fault campaign, $rounds round(s) per scenario, seed $seed (at most $((bound / 60)) min); log in $out" >&2
start=$(date +%s)
status=0
# Offline first; online again only when something was missing offline (never after a failed campaign).
(cd "$here" && { mvn -o "${args[@]}" > "$out" 2>&1 \
  || { grep -q "offline mode" "$out" && mvn "${args[@]}" >> "$out" 2>&1; }; }) || status=$?
{
  echo "# Fault campaign ($stamp)"
  echo
  echo "- command: \`bench/faults.sh $rounds $seed\`; $rounds round(s) per scenario, seed $seed, transaction.timeout.ms $txn"
  echo "- machine: $(nproc) cores; $(java -version 2>&1 | head -1); streamvault $(git -C "$here" rev-parse --short HEAD)"
  echo "- took $(( ($(date +%s) - start) / 60 )) min; FaultCampaignIT $( [ $status = 0 ] && echo passed || echo "FAILED (see $out)")"
  echo
  if [ -f "$table" ]; then cat "$table"; else echo "(no table: the campaign did not get to the end; see $out)"; fi
} > "$md"
rm -f "$table"
cat "$md"
grep -a "FaultCampaign: " "$out" | head -40 >&2 || true
echo "bench: results in $md" >&2
exit $status
