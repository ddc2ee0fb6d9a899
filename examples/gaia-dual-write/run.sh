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
rm -rf old.db old.db-* new.db new.db-* .cutover load.log service.log
touch load.log

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo $(( 20000 + RANDOM % 30000 )))"
url="http://127.0.0.1:$port"
state=".cutover/gaia-dual-write/state.db"
mkdir -p "$(dirname "$state")"
dotnet "$root/.build/gaia/service/gaia-service.dll" --old old.db --new new.db --state "$state" --urls "$url" >service.log 2>&1 &
service_pid=$!
trap 'kill "$service_pid" 2>/dev/null || true; wait "$service_pid" 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
service_up() { kill -0 "$service_pid" 2>/dev/null || fail "the service exited (log: $here/service.log)"; curl -fsS "$url/stats" >/dev/null 2>&1; }
wait_until "the service on $url" 30 service_up
say "service on $url (pid $service_pid)"

stats() { curl -fsS "$url/stats"; }
service_version() { stats | jq -r '.control.version'; }
service_at_least() { [ "$(service_version)" -ge "$1" ]; }
# Runs a cutover stage/traffic command with --json and waits until the service routes by the version it wrote.
control() {
    local version
    version="$(cutover "$@" --json | jq -r '.routing.version')"
    wait_until "the service to see control version $version" 5 service_at_least "$version"
    say "control v$version: $(stats | jq -c '.control | {stage, lead, read_percent, write_percent}')"
}
drive() { load drive --url "$url" --phase "$1" --writes "$writes" --keys "$keys" --concurrency "$concurrency" --log load.log; }

control stage "$plan" dual-write --lead old
control traffic "$plan" --writes 10 --reads 10
drive p10
control traffic "$plan" --writes 50 --reads 50
drive p50

say "fault on: the new store's writes throw"
curl -fsS -X POST "$url/fault/new?on=true" >/dev/null
drive p50-fault
routing_stage() { cutover status "$plan" --json | jq -r '.routing.stage'; }
stepped_back() { [ "$(routing_stage)" = legacy ]; }
wait_until "the breach monitor to step the routing back" 10 stepped_back
reason="$(cutover status "$plan" --json | jq -r '.routing.reason')"
say "rolled back: cutover status shows stage legacy ($reason)"

say "fault off; the operator closes the new side's circuit breaker; waiting for the failures to leave the breach window"
curl -fsS -X POST "$url/fault/new?on=false" >/dev/null
curl -fsS -X POST "$url/breaker/new/close" >/dev/null
window_clear() { [ "$(stats | jq -r '.new_side_window.failures')" -eq 0 ]; }
wait_until "the new side's window to clear" 15 window_clear
control stage "$plan" dual-write --lead old
control traffic "$plan" --writes 50 --reads 50
drive p50-again
control traffic "$plan" --writes 100 --reads 100
drive p100

say "read back one session through the API"
key="$(jq -r 'select(.acked and .op == "put") | .key' load.log | tail -1)"
curl -fsS "$url/sessions/$key" >&2; echo >&2

say "check: every acknowledged write is in the leading (old) store"
check="$(load verify --log load.log --old old.db --new new.db)"
echo "$check" | jq -c . >&2
final="$(stats)"
conflicts="$(cutover conflicts "$plan" --all --json | jq '.conflicts | length')"
status="$(cutover status "$plan" --json | jq -c '.routing')"
say "final routing: $status"
elapsed=$(( $(date +%s) - started ))

jq -cn --argjson s "$final" --argjson c "$check" --argjson conflicts "$conflicts" --argjson routing "$status" --argjson elapsed "$elapsed" --arg reason "$reason" '{
    writes_total: $s.writes_total,
    writes_successful: $s.writes_successful,
    writes_partial: $s.writes_partial,
    writes_failed: $s.writes_failed,
    conflicts_found: $conflicts,
    conflicts_reconciled: 0,
    reconcile_built: false,
    rollback_triggered: $s.rollback_triggered,
    breaches: $s.breaches,
    breach_reason: $reason,
    writes_lost: $c.writes_lost,
    writes_acknowledged: $c.writes_acknowledged,
    keys_checked: $c.keys_checked,
    new_store_keys_differing: $c.new_store_keys_differing,
    leader: "old",
    final_stage: $routing.stage,
    final_write_percent: $routing.write_percent,
    conflicts_match_partials: ($conflicts == $s.writes_partial),
    seconds: $elapsed
}' >summary.json
summary="$(cat summary.json)"; rm -f summary.json

code=0
[ "$(jq -r '.writes_lost' <<<"$summary")" -eq 0 ] || { echo "error: acknowledged writes were lost" >&2; code=1; }
[ "$(jq -r '.rollback_triggered' <<<"$summary")" = true ] || { echo "error: the fault at 50% did not trigger a rollback" >&2; code=1; }
[ "$(jq -r '.final_stage + " " + (.final_write_percent | tostring)' <<<"$summary")" = "dual-write 100" ] \
    || { echo "error: the rollout did not end at dual-write with 100% of writes (a second rollback?)" >&2; code=1; }
echo "$summary"
exit "$code"
