#!/usr/bin/env bash
# Verification throughput (issue 5): `cutover verify` on the generated events set, SQLite -> SQLite and
# SQLite -> PostgreSQL, against the copy of the same rows in the same run.
#
# For each target: migrate like-for-like (backup: none, verify: none), then time `cutover verify --json`
# (every row read on both sides, transformed, hashed in key-range chunks) and `cutover diff --json` after
# one target row is changed (one chunk differs and is compared row by row). Rows per side per second =
# source rows / verify wall time (both sides are read at once). Writes a section of docs/BENCHMARKS.md.
#
#   bench/verify.sh                         # 5M events rows (~5.3M rows in all), both targets
#   ROWS=1000000 TARGETS=sqlite bench/verify.sh
#
# Needs: dotnet, GNU time at /usr/bin/time, jq or python3, sqlite3, and for the PostgreSQL target the
# PostgreSQL 15 server binaries (scripts/services/postgres.sh starts a throwaway server) and psql.
set -euo pipefail

ROWS="${ROWS:-5000000}"
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup
TARGETS="${TARGETS:-sqlite postgres}"
JOBS="${JOBS:-2}"
HEADING="## Verification throughput, $LABEL_UPPER events (issue 5)"

command -v sqlite3 >/dev/null || die "need sqlite3"
require_gnu_time
build_cli
ensure_source

PG_TMP=""
SECTION="$(mktemp)"
cleanup() {
    if [[ -n "$PG_TMP" ]]; then
        scripts/services/postgres.sh stop >/dev/null 2>&1 || true
        rm -rf "$PG_TMP"
    fi
    rm -f "$SECTION"
}
trap cleanup EXIT

# json_get FILE EXPR(jq) PYEXPR(python, d = the document) -> one value
json_get() {
    if command -v jq >/dev/null; then jq -r "$2" "$1"; else python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($3)" "$1"; fi
}

ROWS_OUT=()
# measure NAME TARGET_URI SHOWN_URI -> runs migrate, verify, diff; appends a table row to ROWS_OUT.
measure() {
    local name="$1" target="$2" shown="$3" dir="$OUT_DIR/verify-$1"
    rm -rf "$dir" && mkdir -p "$dir"
    ln -sf "$(realpath "$SOURCE_DB")" "$dir/source.db"
    cat >"$dir/plan.yaml" <<EOF
name: bench-verify-$name
source: sqlite:./source.db
target: $target
batch_size: 5000
backup: none
verify: none
entities:
  - table: sessions
    key: id
  - table: agents
    key: id
  - table: events
    key: id
EOF
    local cli=(dotnet "$CLI_DLL")
    log "$name: migrate (the copy)"
    time_run "$dir/migrate" "${cli[@]}" migrate "$dir/plan.yaml" --jobs "$JOBS" --json
    (( RC == 0 )) || { tail -n 20 "$dir/migrate.stderr" >&2; die "$name: migrate exited $RC"; }
    local copy_wall="$WALL_S" copy_phase
    copy_phase="$(secs "$(migrate_json "$dir/migrate.stdout" copy_seconds)")"

    log "$name: verify"
    time_run "$dir/verify" "${cli[@]}" verify "$dir/plan.yaml" --jobs "$JOBS" --json
    (( RC == 0 )) || { tail -n 20 "$dir/verify.stderr" >&2; die "$name: verify exited $RC"; }
    local verify_wall="$WALL_S" verify_rss="$RSS_MB" chunks
    chunks="$(json_get "$dir/verify.stdout" '[.entities[].chunks] | add' 'sum(e["chunks"] for e in d["entities"])')"

    log "$name: diff after one changed row"
    if [[ "$name" == sqlite ]]; then
        sqlite3 "$dir/target.db" "UPDATE events SET kind = 'changed' WHERE id = 4242"
    else
        PGPASSWORD="$PG_PASSWORD" psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U cutover -d "$PG_DB" -c "UPDATE events SET kind = 'changed' WHERE id = 4242"
    fi
    time_run "$dir/diff" "${cli[@]}" diff "$dir/plan.yaml" --jobs "$JOBS" --json
    (( RC == 5 )) || { tail -n 20 "$dir/diff.stderr" >&2; die "$name: diff exited $RC, expected 5 (one changed row)"; }
    local diff_wall="$WALL_S" found differing
    found="$(json_get "$dir/diff.stdout" '[.entities[].changed[].key] | map(tostring) | join(",")' '",".join(str(c["key"]) for e in d["entities"] for c in e["changed"])')"
    differing="$(json_get "$dir/diff.stdout" '[.entities[].chunks_differing] | add' 'sum(e["chunks_differing"] for e in d["entities"])')"
    [[ "$found" == 4242 ]] || die "$name: diff named '$found', expected 4242"

    local per_side ok_rate ok_copy
    per_side="$(rate "$SRC_TOTAL" "$verify_wall")"
    ok_rate=$(awk -v r="$per_side" 'BEGIN { print (r >= 1000000 ? "yes" : "**no**") }')
    ok_copy=$(awk -v v="$verify_wall" -v c="$copy_phase" 'BEGIN { print (v <= c ? "yes" : "**no**") }')
    ROWS_OUT+=("| SQLite → $([[ $name == sqlite ]] && echo SQLite || echo PostgreSQL) | $(fmt "$SRC_TOTAL") | $copy_wall s (copy phase $copy_phase s) | $verify_wall s, $chunks chunks, $verify_rss MB | **$(fmt "$per_side")** ($ok_rate) | $(ratio "$verify_wall" "$copy_phase") ($ok_copy) / $(ratio "$verify_wall" "$copy_wall") | $diff_wall s: key 4242 named, $differing of $chunks chunks compared row by row |")
    echo "$name: rows $SRC_TOTAL, copy ${copy_wall}s (phase ${copy_phase}s), verify ${verify_wall}s = $per_side rows/s per side, diff ${diff_wall}s" >&2
}

for t in $TARGETS; do
    case "$t" in
        sqlite)
            measure sqlite "sqlite:./target.db" "sqlite:./target.db"
            ;;
        postgres)
            PG_TMP="$(mktemp -d "${TMPDIR:-/tmp}/cutover-bench-pg.XXXXXX")"
            export CUTOVER_PG_ENV_FILE="$PG_TMP/pg.env"
            log "starting a throwaway PostgreSQL 15"
            scripts/services/postgres.sh start >/dev/null
            # shellcheck disable=SC1090
            . "$CUTOVER_PG_ENV_FILE"
            PG_PORT="$CUTOVER_PG_PORT"
            PG_DB=cutover_test
            PG_PASSWORD="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote(urllib.parse.urlsplit(sys.argv[1]).password))' "$CUTOVER_TEST_PG")"
            measure postgres "'$CUTOVER_TEST_PG'" "postgresql://cutover:***@127.0.0.1:$PG_PORT/$PG_DB"
            ;;
        *) die "unknown target '$t' in TARGETS (sqlite, postgres)" ;;
    esac
done

machine_facts
cat >"$SECTION" <<EOF
$HEADING

Written by \`bench/verify.sh\`$( [[ "$ROWS" == 5000000 ]] || printf ' (`ROWS=%s`)' "$ROWS" ); run it again to refresh this section.
Date $NOW; $(machine_line); commit $COMMIT; .NET SDK $SDK; load average at the end $(cut -d ' ' -f 1-3 /proc/loadavg).

Each target: \`cutover migrate PLAN --jobs $JOBS --json\` (\`backup: none\`, \`verify: none\`: the copy),
then \`cutover verify PLAN --jobs $JOBS --json\` (both sides of each 100,000-row key-range chunk read at once and
summed by the store; the plan here changes no value), then one target row changed and \`cutover diff PLAN --jobs $JOBS --json\`.
Plans and outputs in \`bench/out/verify-*/\`. Rows per side per second = source rows / verify wall time.
Targets (issue 5): at least 1,000,000 rows/s per side; verify never slower than the copy (verify wall /
copy phase ≤ 1).

| | rows per side | copy: migrate wall | verify: wall, chunks, peak RSS | rows/s per side (≥ 1M) | verify / copy phase (≤ 1) / verify / migrate | diff after one changed row |
| --- | --- | --- | --- | --- | --- | --- |
$(printf '%s\n' "${ROWS_OUT[@]}")
EOF
write_section "$HEADING" "$SECTION"
log "wrote $HEADING to $DOCS"
