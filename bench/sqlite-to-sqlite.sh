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

ROWS="${ROWS:-1000000}"
RSS_BUDGET_MB="${RSS_BUDGET_MB:-250}"

if ! [[ "$ROWS" =~ ^[1-9][0-9]*$ ]]; then
    echo "error: ROWS must be a positive integer, got '$ROWS'" >&2
    exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# 1000000 -> 1m, 250000 -> 250k, 12345 -> 12345 (used in file names and the docs heading).
if (( ROWS % 1000000 == 0 )); then LABEL="$((ROWS / 1000000))m"
elif (( ROWS % 1000 == 0 )); then LABEL="$((ROWS / 1000))k"
else LABEL="$ROWS"; fi
LABEL_UPPER="$(tr '[:lower:]' '[:upper:]' <<<"$LABEL")"

OUT_DIR="bench/out"
SOURCE_DB="$OUT_DIR/events-$LABEL.db"
TARGET_DB="$OUT_DIR/events-$LABEL-copy.db"
PLAN="$OUT_DIR/bench-plan.yaml"
CLI_DLL="src/Cutover.Cli/bin/Release/net10.0/cutover.dll"
DOCS="docs/BENCHMARKS.md"
HEADING="## SQLite → SQLite, $LABEL_UPPER events (issue 2)"
JSON_OUT="$OUT_DIR/bench-migrate.json"
ERR_OUT="$OUT_DIR/bench-migrate.stderr"
TIME_OUT="$OUT_DIR/bench-migrate.time"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- prerequisites -----------------------------------------------------------------------------

command -v dotnet >/dev/null || die "dotnet is not on PATH"
command -v jq >/dev/null || command -v python3 >/dev/null || die "need jq or python3 to read the --json output"
command -v sqlite3 >/dev/null || command -v python3 >/dev/null || die "need sqlite3 or python3 to count rows"

gnu_time_ok() { [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; }
if ! gnu_time_ok; then
    if command -v apt-get >/dev/null && [[ "$(id -u)" == 0 ]]; then
        log "GNU time is missing; installing package 'time' with apt-get"
        apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; } || true
    fi
    gnu_time_ok || die "GNU time (/usr/bin/time with -v) is required to measure peak RSS. Install it: sudo apt-get install -y time"
fi

# count_rows DB TABLE -> prints COUNT(*), or nothing when the file or table is missing.
count_rows() {
    local db="$1" table="$2"
    [[ -f "$db" ]] || return 0
    if command -v sqlite3 >/dev/null; then
        sqlite3 -readonly "$db" "SELECT COUNT(*) FROM \"$table\";" 2>/dev/null || true
    else
        python3 - "$db" "$table" <<'PY' 2>/dev/null || true
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(con.execute(f'SELECT COUNT(*) FROM "{sys.argv[2]}"').fetchone()[0])
PY
    fi
}

# --- build and data ----------------------------------------------------------------------------

log "building the CLI (Release)"
dotnet build -c Release src/Cutover.Cli -nologo -v quiet >&2
[[ -f "$CLI_DLL" ]] || die "build succeeded but $CLI_DLL is missing"

mkdir -p "$OUT_DIR"
if [[ "$(count_rows "$SOURCE_DB" events)" == "$ROWS" ]]; then
    log "reusing $SOURCE_DB ($ROWS events rows)"
else
    log "generating $SOURCE_DB ($ROWS events rows)"
    dotnet run -c Release --project bench/Cutover.Bench -- generate --rows "$ROWS" --out "$SOURCE_DB" >&2
fi

SRC_SESSIONS="$(count_rows "$SOURCE_DB" sessions)"
SRC_AGENTS="$(count_rows "$SOURCE_DB" agents)"
SRC_EVENTS="$(count_rows "$SOURCE_DB" events)"
SRC_TOTAL=$((SRC_SESSIONS + SRC_AGENTS + SRC_EVENTS))

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
set +e
/usr/bin/time -v -o "$TIME_OUT" "${MIGRATE[@]}" >"$JSON_OUT" 2>"$ERR_OUT"
RC=$?
set -e
if (( RC != 0 )); then
    echo "cutover migrate exited with $RC; last lines of stderr ($ERR_OUT):" >&2
    tail -n 30 "$ERR_OUT" >&2 || true
    echo "stdout is in $JSON_OUT" >&2
    exit "$RC"
fi

# Wall clock from time -v: "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.35".
WALL_RAW="$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time.*: \([0-9:.]*\)$/\1/p' "$TIME_OUT")"
RSS_KB="$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): \([0-9]*\)$/\1/p' "$TIME_OUT")"
[[ -n "$WALL_RAW" && -n "$RSS_KB" ]] || die "could not read wall time / peak RSS from $TIME_OUT"
WALL_S="$(awk -v t="$WALL_RAW" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }')"
RSS_MB="$(awk -v k="$RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')"

# Figures from migrate's --json document (shape in docs/cli.md): rows written, seconds spent copying
# (sum over entities) and verifying (sum over entities).
json_read() { # $1 = jq expression; python3 fallback evaluates the same three fields
    if command -v jq >/dev/null; then
        jq -r "$1" "$JSON_OUT"
    else
        python3 - "$JSON_OUT" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
expr = sys.argv[2]
if "totals" in expr:
    print(d["totals"]["rows_written"])
elif "verification" in expr:
    print(sum(v["seconds"] for v in d["verification"]))
else:
    print(sum(e["seconds"] for e in d["entities"]))
PY
    fi
}
ROWS_WRITTEN="$(json_read '.totals.rows_written')"
COPY_S="$(json_read '[.entities[].seconds] | add')"
VERIFY_S="$(json_read '[.verification[].seconds] | add')"

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

RATE="$(awk -v r="$ROWS_WRITTEN" -v s="$WALL_S" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')"
COPY_RATE="$(awk -v r="$ROWS_WRITTEN" -v s="$COPY_S" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')"
COPY_S="$(awk -v s="$COPY_S" 'BEGIN { printf "%.2f", s }')"
VERIFY_S="$(awk -v s="$VERIFY_S" 'BEGIN { printf "%.2f", s }')"

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

CPU="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
[[ -n "$CPU" ]] || CPU="$(uname -m)"
MEM_GIB="$(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$(git status --porcelain --untracked-files=no -- . ":!$DOCS" 2>/dev/null | head -n 1)"
[[ -z "$DIRTY" ]] || COMMIT="$COMMIT (+ uncommitted changes)"
fmt() { LC_ALL=C awk -v n="$1" 'BEGIN { s = sprintf("%d", n); o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } printf "%s%s", s, o }'; }

SECTION="$(mktemp)"
trap 'rm -f "$SECTION"' EXIT
cat >"$SECTION" <<EOF
$HEADING

Written by \`bench/sqlite-to-sqlite.sh\`$( [[ "$ROWS" == 1000000 ]] || printf ' (`ROWS=%s`)' "$ROWS" ); run it again to refresh this section.

| | |
| --- | --- |
| date | $(date -u +%Y-%m-%dT%H:%M:%SZ) |
| machine | $CPU, nproc $(nproc)${MEM_GIB:+, ${MEM_GIB} GiB RAM} |
| commit | $COMMIT |
| .NET SDK | $(dotnet --version) |
| command (repo root) | \`$COMMAND\` |
| plan | \`$PLAN\`: sessions, agents, events copied by \`id\`, \`batch_size: 5000\` |
| rows | $(fmt "$ROWS_WRITTEN") (sessions $(fmt "$SRC_SESSIONS") + agents $(fmt "$SRC_AGENTS") + events $(fmt "$SRC_EVENTS")) |
| wall, whole \`migrate\` | $WALL_S s (preflight, backup of the source with checksum and integrity check, schema, copy, indexes, verification of both sides) |
| rows/s, whole \`migrate\` | $(fmt "$RATE") |
| copy phase | $COPY_S s, $(fmt "$COPY_RATE") rows/s |
| verification | $VERIFY_S s (every row read on both sides, transformed and hashed) |
| peak RSS | $RSS_MB MB (limit 250 MB) |
| floor, same run | $( [[ -n "$FLOOR_S" ]] && printf '`%s`: %s s; whole `migrate` / floor = %s, copy phase / floor = %s' "${FLOOR_CMD//|/\\|}" "$FLOOR_S" "$(awk -v a="$WALL_S" -v b="$FLOOR_S" 'BEGIN { printf "%.2f", a / b }')" "$(awk -v a="$COPY_S" -v b="$FLOOR_S" 'BEGIN { printf "%.2f", a / b }')" || echo "sqlite3 not installed" ) |
EOF

mkdir -p "$(dirname "$DOCS")"
[[ -f "$DOCS" ]] || printf '# Benchmarks\n\nNumbers from the scripts in `bench/`; each section is rewritten by the script named in it.\n' >"$DOCS"
# Replace the section with this heading (up to the next "## " heading), or append it.
awk -v heading="$HEADING" -v secfile="$SECTION" '
    BEGIN { while ((getline line < secfile) > 0) sec = sec line "\n"; done = 0; skip = 0 }
    $0 == heading { printf "%s", sec; done = 1; skip = 1; next }
    skip && /^## / { skip = 0; print "" }
    !skip { print }
    END { if (!done) printf "\n%s", sec }
' "$DOCS" >"$DOCS.tmp"
mv "$DOCS.tmp" "$DOCS"

echo "floor (sqlite3 .dump | sqlite3): ${FLOOR_S:-n/a}s"
echo "rows: $ROWS_WRITTEN  wall: ${WALL_S}s  rows/s: $RATE  copy: ${COPY_S}s (${COPY_RATE} rows/s)  verify: ${VERIFY_S}s  peak RSS: ${RSS_MB} MB  -> $DOCS"
if awk -v m="$RSS_MB" -v b="$RSS_BUDGET_MB" 'BEGIN { exit !(m > b) }'; then
    echo "WARNING: peak RSS ${RSS_MB} MB is over the ${RSS_BUDGET_MB} MB budget (issue 2)" >&2
fi
