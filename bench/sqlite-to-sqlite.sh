#!/usr/bin/env bash
# SQLite -> SQLite copy benchmark (issue 2).
#
# Builds the CLI in Release, generates a deterministic events database (skipped when one with the
# same number of events rows is already there), migrates it with `cutover migrate --json` under
# GNU time, and records rows, wall seconds, rows/s and peak RSS in docs/BENCHMARKS.md (the section
# for this size is replaced, other sections are kept).
#
#   bench/sqlite-to-sqlite.sh                  # 1M events rows (~1.06M rows in all)
#   ROWS=5000000 bench/sqlite-to-sqlite.sh     # 5M events rows
#
# Needs: dotnet, GNU time at /usr/bin/time (installed with apt-get when missing and running as
# root), jq or python3, and sqlite3 or python3 (to count rows).
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup
RSS_BUDGET_MB="${RSS_BUDGET_MB:-250}"

TARGET_DB="$OUT_DIR/events-$LABEL-copy.db"
PLAN="$OUT_DIR/bench-plan.yaml"
HEADING="## SQLite → SQLite, $LABEL_UPPER events (issue 2)"
RUN="$OUT_DIR/bench-migrate"
JSON_OUT="$RUN.stdout"

# --- prerequisites -----------------------------------------------------------------------------

command -v sqlite3 >/dev/null || command -v python3 >/dev/null || die "need sqlite3 or python3 to count rows"
require_gnu_time

# --- build and data ----------------------------------------------------------------------------

build_cli
ensure_source

cat >"$PLAN" <<EOF
name: bench-sqlite
source: sqlite:./$(basename "$SOURCE_DB")
target: sqlite:./$(basename "$TARGET_DB")
batch_size: 5000
entities:
  - table: sessions
    key: id
  - table: agents
    key: id
  - table: events
    key: id
EOF

rm -f "$TARGET_DB" "$TARGET_DB-journal" "$TARGET_DB-wal" "$TARGET_DB-shm"
rm -rf "$OUT_DIR/.cutover"

# --- the measured run ----------------------------------------------------------------------------

MIGRATE=(dotnet "$CLI_DLL" migrate "$PLAN" --json)
COMMAND="/usr/bin/time -v ${MIGRATE[*]}"
log "running: $COMMAND"
time_run "$RUN" "${MIGRATE[@]}"
if (( RC != 0 )); then
    echo "cutover migrate exited with $RC; last lines of stderr ($RUN.stderr):" >&2
    tail -n 30 "$RUN.stderr" >&2 || true
    echo "stdout is in $JSON_OUT" >&2
    exit "$RC"
fi

# Figures from migrate's --json document (shape in docs/cli.md): rows written, seconds spent copying
# (sum over entities) and verifying (sum over entities).
ROWS_WRITTEN="$(migrate_json "$JSON_OUT" rows_written)"
COPY_S="$(migrate_json "$JSON_OUT" copy_seconds)"
VERIFY_S="$(migrate_json "$JSON_OUT" verify_seconds)"

# Cross-check against the target itself: a rate measured on an incomplete copy is not recorded.
TGT_TOTAL=0
for t in sessions agents events; do
    c="$(count_rows "$TARGET_DB" "$t")"
    TGT_TOTAL=$((TGT_TOTAL + ${c:-0}))
done
if (( TGT_TOTAL != SRC_TOTAL )); then
    die "target has $TGT_TOTAL rows but the source has $SRC_TOTAL; not recording this run"
fi
if [[ -z "$ROWS_WRITTEN" ]]; then
    echo "warning: could not find rows written in the --json output ($JSON_OUT); using the target's row count" >&2
    ROWS_WRITTEN="$TGT_TOTAL"
elif [[ "$ROWS_WRITTEN" != "$SRC_TOTAL" ]]; then
    echo "warning: --json reports $ROWS_WRITTEN rows written, the target holds $TGT_TOTAL" >&2
fi

RATE="$(rate "$ROWS_WRITTEN" "$WALL_S")"
COPY_RATE="$(rate "$ROWS_WRITTEN" "$COPY_S")"
COPY_S="$(secs "$COPY_S")"
VERIFY_S="$(secs "$VERIFY_S")"

# --- floor: the plainest copy SQLite itself offers, in the same run ------------------------------
# `sqlite3 SRC .dump | sqlite3 DST`: schema, rows and indexes, with no transforms, checkpoints,
# backups or verification. It is not a peer tool (issue 2 names none); it shows what the copy costs.
FLOOR_DB="$OUT_DIR/events-$LABEL-floor.db"
FLOOR_CMD="sqlite3 $SOURCE_DB .dump | sqlite3 $FLOOR_DB"
FLOOR_S=""
if command -v sqlite3 >/dev/null; then
    rm -f "$FLOOR_DB"
    log "floor: $FLOOR_CMD"
    start_ns="$(date +%s%N)"
    sqlite3 "$SOURCE_DB" .dump | sqlite3 "$FLOOR_DB"
    FLOOR_S="$(awk -v a="$start_ns" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
    rm -f "$FLOOR_DB"
fi

# --- record --------------------------------------------------------------------------------------

machine_facts
FLOOR_CELL="sqlite3 not installed"
if [[ -n "$FLOOR_S" ]]; then
    FLOOR_CELL="\`${FLOOR_CMD//|/\\|}\`: $FLOOR_S s; whole \`migrate\` / floor = $(ratio "$WALL_S" "$FLOOR_S"), copy phase / floor = $(ratio "$COPY_S" "$FLOOR_S")"
fi

SECTION="$(mktemp)"
trap 'rm -f "$SECTION"' EXIT
cat >"$SECTION" <<EOF
$HEADING

Written by \`bench/sqlite-to-sqlite.sh\`$( [[ "$ROWS" == 1000000 ]] || printf ' (`ROWS=%s`)' "$ROWS" ); run it again to refresh this section.

| | |
| --- | --- |
| date | $NOW |
| machine | $(machine_line) |
| commit | $COMMIT |
| .NET SDK | $SDK |
| command (repo root) | \`$COMMAND\` |
| plan | \`$PLAN\`: sessions, agents, events copied by \`id\`, \`batch_size: 5000\` |
| rows | $(fmt "$ROWS_WRITTEN") (sessions $(fmt "$SRC_SESSIONS") + agents $(fmt "$SRC_AGENTS") + events $(fmt "$SRC_EVENTS")) |
| wall, whole \`migrate\` | $WALL_S s (preflight, backup of the source with checksum and integrity check, schema, copy, indexes, verification of both sides) |
| rows/s, whole \`migrate\` | $(fmt "$RATE") |
| copy phase | $COPY_S s, $(fmt "$COPY_RATE") rows/s |
| verification | $VERIFY_S s (every row read on both sides, transformed and hashed) |
| peak RSS | $RSS_MB MB (limit 250 MB) |
| floor, same run | $FLOOR_CELL |
EOF

write_section "$HEADING" "$SECTION"

echo "floor (sqlite3 .dump | sqlite3): ${FLOOR_S:-n/a}s"
echo "rows: $ROWS_WRITTEN  wall: ${WALL_S}s  rows/s: $RATE  copy: ${COPY_S}s (${COPY_RATE} rows/s)  verify: ${VERIFY_S}s  peak RSS: ${RSS_MB} MB  -> $DOCS"
if awk -v m="$RSS_MB" -v b="$RSS_BUDGET_MB" 'BEGIN { exit !(m > b) }'; then
    echo "WARNING: peak RSS ${RSS_MB} MB is over the ${RSS_BUDGET_MB} MB budget (issue 2)" >&2
fi
