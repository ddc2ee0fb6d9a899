#!/usr/bin/env bash
# Runs the gaia-dual-write example end to end: builds the sample service and the load, starts the service over fresh
# old/new SQLite stores, moves traffic 10% -> 50% -> 100% with the CLI, injects a fault into the new store at 50% so
# the library's breach monitor rolls the routing back, clears it, finishes the rollout, and checks every acknowledged
# write against the stores. Prints progress on stderr and, last on stdout, one JSON summary line.
# Exits 1 when a write was lost or no rollback happened. Scale: GAIA_WRITES (per phase), GAIA_KEYS, GAIA_CONCURRENCY.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
writes="${GAIA_WRITES:-300}"
keys="${GAIA_KEYS:-120}"
concurrency="${GAIA_CONCURRENCY:-6}"
plan=cutover.yaml
started=$(date +%s)

for tool in curl jq; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed (Debian/Ubuntu: apt-get install -y $tool)" >&2; exit 1; }
done

say() { echo "== $*" >&2; }
fail() { echo "error: $*" >&2; [ -f service.log ] && tail -20 service.log >&2; exit 1; }
cutover() { "$root/cutover" "$@"; }
# Polls "$@" every 0.1 s until it succeeds, for at most $timeout seconds.
wait_until() {
    local what="$1" timeout="$2"; shift 2
    local deadline=$(( $(date +%s) + timeout ))
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || fail "timed out after ${timeout}s waiting for $what"
        sleep 0.1
    done
}

say "build: sample service and load"
mkdir -p "$root/.build/gaia"
for project in Service/GaiaService.csproj:service Load/GaiaLoad.csproj:load; do
    if ! dotnet build "${project%%:*}" -c Release -o "$root/.build/gaia/${project##*:}" --nologo -v q >"$root/.build/gaia/build.log" 2>&1; then
        cat "$root/.build/gaia/build.log" >&2
        fail "could not build ${project%%:*}"
    fi
done
load() { dotnet "$root/.build/gaia/load/gaia-load.dll" "$@"; }

say "fresh stores and state"
rm -rf old.db old.db-* new.db new.db-* .cutover load.log service.log rollout.log rollout-*.json
touch load.log

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo $(( 20000 + RANDOM % 30000 )))"
url="http://127.0.0.1:$port"
state=".cutover/gaia-dual-write/state.db"
mkdir -p "$(dirname "$state")"
dotnet "$root/.build/gaia/service/gaia-service.dll" --old old.db --new new.db --state "$state" --urls "$url" >service.log 2>&1 &
service_pid=$!
rollout_pid=
trap 'kill $rollout_pid "$service_pid" 2>/dev/null || true; wait "$service_pid" 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
service_up() { kill -0 "$service_pid" 2>/dev/null || fail "the service exited (log: $here/service.log)"; curl -fsS "$url/stats" >/dev/null 2>&1; }
wait_until "the service on $url" 30 service_up
say "service on $url (pid $service_pid)"

stats() { curl -fsS "$url/stats"; }
drive() { load drive --url "$url" --phase "$1" --writes "${2:-$writes}" --keys "$keys" --concurrency "$concurrency" --log load.log; }

# Routes "$1"% of writes through both stores in stage dual-write: what the service says it routes by.
routes() { [ "$(stats | jq -r '"\(.control.stage) \(.control.write_percent)"')" = "dual-write $1" ]; }

say "history: sessions written before the migration starts (stage legacy: the old store only); only the backfill brings them over"
load drive --url "$url" --phase history --writes 120 --keys 60 --first-key 1000 --concurrency "$concurrency" --log load.log

say "rollout: cutover rollout walks the plan's steps (10% -> 50% -> 100%) in the background and publishes its thresholds"
cutover rollout "$plan" --json >rollout-1.json 2>rollout.log &
rollout_pid=$!
wait_until "the service to route 10% of writes" 15 routes 10
say "the service follows: $(stats | jq -c '.control | {stage, write_percent, version, thresholds}')"
drive p10
wait_until "the rollout's 50% step" 20 routes 50
drive p50

say "fault on: the new store's writes throw"
curl -fsS -X POST "$url/fault/new?on=true" >/dev/null
drive p50-fault
rc=0; wait "$rollout_pid" || rc=$?
rollout_pid=
[ "$rc" -eq 12 ] || fail "cutover rollout should have stopped with exit 12 (ROLLOUT_STOPPED) on the breach; it exited $rc (rollout.log: $(tail -1 rollout.log))"
jq -e '.breach and .stopped_at_step == 2' rollout-1.json >/dev/null || fail "the rollout stopped, but not for a breach at step 2: $(cat rollout-1.json)"
reason="$(cutover status "$plan" --json | jq -r '.routing.reason')"
say "rolled back: the router stepped back to $(cutover status "$plan" --json | jq -r '.routing.stage') and the rollout stopped at step 2 ($reason)"

say "fault off; the operator closes the new side's circuit breaker; waiting for the failures to leave the breach window"
curl -fsS -X POST "$url/fault/new?on=false" >/dev/null
curl -fsS -X POST "$url/breaker/new/close" >/dev/null
window_clear() { [ "$(stats | jq -r '.new_side_window.failures')" -eq 0 ]; }
wait_until "the new side's window to clear" 15 window_clear

say "resume: cutover rollout --from-step 2 while the load goes on"
cutover rollout "$plan" --from-step 2 --json >rollout-2.json 2>>rollout.log &
rollout_pid=$!
wait_until "the rollout's 50% step again" 20 routes 50
round=0
while kill -0 "$rollout_pid" 2>/dev/null; do
    round=$((round + 1))
    drive "resume-$round" 100
    sleep 0.5
done
rc=0; wait "$rollout_pid" || rc=$?
rollout_pid=
[ "$rc" -eq 0 ] || fail "the resumed rollout exited $rc: $(tail -1 rollout.log)"
say "rollout complete: $(stats | jq -c '.control | {stage, write_percent, version}')"

say "conflicts: the partial writes of the fault, in the state store's journal"
conflicts_found="$(cutover conflicts "$plan" --all --json | jq '.conflicts | length')"
cutover conflicts "$plan" | tail -1 >&2
say "reconcile: apply the plan's strategy (reconcile: old-wins) and re-check each key"
reconcile="$(cutover reconcile "$plan" --json)" || fail "cutover reconcile left conflicts: $(jq -c '{resolved, unresolved}' <<<"$reconcile")"
jq -c '{strategy, strategy_from, resolved, unresolved}' <<<"$reconcile" >&2

say "read back one session through the API"
key="$(jq -r 'select(.acked and .op == "put") | .key' load.log | tail -1)"
curl -fsS "$url/sessions/$key" >&2; echo >&2

say "check: every acknowledged write is in the leading (old) store"
check="$(load verify --log load.log --old old.db --new new.db)"
echo "$check" | jq -c . >&2

say "backfill: keys never dual-written (written in legacy, or outside the write percentage) differ in the new store; cutover repair --all copies them"
backfill="$(cutover repair "$plan" --all --json)" || fail "cutover repair --all did not leave the stores equal: $backfill"
after="$(load verify --log load.log --old old.db --new new.db)"
echo "$after" | jq -c '{writes_lost, new_store_keys_differing}' >&2
final="$(stats)"
status="$(cutover status "$plan" --json | jq -c '.routing')"
say "final routing: $status"
elapsed=$(( $(date +%s) - started ))

jq -cn --argjson s "$final" --argjson c "$check" --argjson after "$after" --argjson found "$conflicts_found" --argjson rec "$reconcile" \
    --argjson backfill "$backfill" --argjson routing "$status" --argjson elapsed "$elapsed" --arg reason "$reason" '{
    writes_total: $s.writes_total,
    writes_successful: $s.writes_successful,
    writes_partial: $s.writes_partial,
    writes_failed: $s.writes_failed,
    conflicts_found: $found,
    conflicts_reconciled: $rec.resolved,
    conflicts_unresolved: $rec.unresolved,
    conflicts_absent_on_both_sides: ([$rec.conflicts[] | select(.absent_on_both_sides)] | length),
    reconcile_strategy: $rec.strategy,
    rollback_triggered: $s.rollback_triggered,
    breaches: $s.breaches,
    breach_reason: $reason,
    writes_lost: $after.writes_lost,
    writes_acknowledged: $c.writes_acknowledged,
    keys_checked: $c.keys_checked,
    new_store_keys_differing_before_backfill: $c.new_store_keys_differing,
    backfilled_keys: ([$backfill.entities[] | (.copied | length) + (.deleted | length)] | add // 0),
    new_store_keys_differing: $after.new_store_keys_differing,
    leader: "old",
    final_stage: $routing.stage,
    final_write_percent: $routing.write_percent,
    conflicts_match_partials: ($found == $s.writes_partial),
    seconds: $elapsed
}' >summary.json
summary="$(cat summary.json)"; rm -f summary.json

code=0
check_that() { jq -e "$1" <<<"$summary" >/dev/null || { echo "error: $2" >&2; code=1; }; }
check_that '.writes_lost == 0' "acknowledged writes were lost"
check_that '.rollback_triggered' "the fault at 50% did not trigger a rollback"
check_that '.final_stage == "dual-write" and .final_write_percent == 100' "the rollout did not end at dual-write with 100% of writes (a second rollback?)"
check_that '.conflicts_found > 0 and .conflicts_reconciled == .conflicts_found' "not every conflict was reconciled"
check_that '.new_store_keys_differing == 0' "the new store still differs from the old one after reconcile and backfill"
echo "$summary"
exit "$code"
