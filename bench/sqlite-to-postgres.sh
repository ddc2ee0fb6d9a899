#!/usr/bin/env bash
# SQLite -> PostgreSQL benchmark, Cutover vs pgloader side by side (issue 3).
#
# Starts its own throwaway PostgreSQL 15 (scripts/services/postgres.sh, private env file, stopped on
# exit), builds the CLI in Release, generates a deterministic events database (skipped when one with
# the same number of events rows is already there), then, each into a fresh empty database on that
# one server and in the same run:
#   (a) cutover migrate PLAN --json                                  (sessions, agents, events by id)
#   (b) pgloader sqlite:///SRC postgresql://...                       (pgloader's defaults)
#   (c) pgloader --with "prefetch rows = 10000" sqlite:///SRC ...
# each under GNU time (wall, peak RSS). After each run the target's row counts are compared with the
# source's; a run that fails or leaves a different count is recorded as a failure, not as a time.
# The column type each tool produced for events.value (REAL in SQLite) is recorded too. The section
# for this size in docs/BENCHMARKS.md is replaced, other sections are kept.
#
#   bench/sqlite-to-postgres.sh                  # 1M events rows (~1.06M rows in all)
#   ROWS=5000000 bench/sqlite-to-postgres.sh     # 5M events rows
#
# Needs: dotnet, PostgreSQL 15 server binaries and psql, pgloader (installed with apt-get when
# missing and running as root), GNU time at /usr/bin/time (likewise), python3, jq or python3, and
# sqlite3 or python3 (to count rows).
set -euo pipefail

ROWS="${ROWS:-1000000}"

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
PLAN_NAME="bench-sqlite-to-postgres"
PLAN="$OUT_DIR/bench-pg-plan.yaml"
CLI_DLL="src/Cutover.Cli/bin/Release/net10.0/cutover.dll"
DOCS="docs/BENCHMARKS.md"
HEADING="## SQLite → PostgreSQL, $LABEL_UPPER events (issue 3)"
JSON_OUT="$OUT_DIR/bench-pg-migrate.json"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- prerequisites -----------------------------------------------------------------------------

command -v dotnet >/dev/null || die "dotnet is not on PATH"
command -v python3 >/dev/null || die "need python3 (scripts/services/postgres.sh uses it too)"
command -v jq >/dev/null || command -v python3 >/dev/null || die "need jq or python3 to read the --json output"
command -v sqlite3 >/dev/null || command -v python3 >/dev/null || die "need sqlite3 or python3 to count rows"
command -v psql >/dev/null || die "psql is not on PATH. Install it: sudo apt-get install -y postgresql-15 (or postgresql-client-15)"

apt_install() { # $1 = package; only as root with apt-get
    command -v apt-get >/dev/null && [[ "$(id -u)" == 0 ]] || return 1
    log "$1 is missing; installing package '$1' with apt-get"
    apt-get install -y "$1" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$1" >/dev/null; } || true
}

gnu_time_ok() { [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; }
gnu_time_ok || apt_install time || true
gnu_time_ok || die "GNU time (/usr/bin/time with -v) is required to measure peak RSS. Install it: sudo apt-get install -y time"

command -v pgloader >/dev/null || apt_install pgloader || true
command -v pgloader >/dev/null || die "pgloader is required for the comparison and is not on PATH. Install it: sudo apt-get install -y pgloader (or run this script as root, which installs it)"
PGLOADER_VERSION="$(pgloader --version 2>/dev/null | sed -n '1{s/^pgloader version //; s/"//g; p}' || true)"

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

# --- the throwaway server ----------------------------------------------------------------------

PG_TMP="$(mktemp -d "${TMPDIR:-/tmp}/cutover-bench-pg.XXXXXX")"
export CUTOVER_PG_ENV_FILE="$PG_TMP/pg.env"
SECTION=""
cleanup() {
    scripts/services/postgres.sh stop >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
    [[ -z "$SECTION" ]] || rm -f "$SECTION"
}
trap cleanup EXIT

log "starting a throwaway PostgreSQL 15"
scripts/services/postgres.sh start >/dev/null
# shellcheck disable=SC1090
. "$CUTOVER_PG_ENV_FILE"
PG_PORT="$CUTOVER_PG_PORT"
PG_USER=cutover
# The password goes to every tool through PGPASSWORD only, so no command line below holds it.
PGPASSWORD="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote(urllib.parse.urlsplit(sys.argv[1]).password))' "$CUTOVER_TEST_PG")"
export PGPASSWORD
PG_VERSION="$(psql -X -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d cutover_test -tAc 'SHOW server_version' | awk '{ print $1 }')"

pg_uri() { printf 'postgresql://%s@127.0.0.1:%s/%s' "$PG_USER" "$PG_PORT" "$1"; }
# Cutover's plan carries the URL-encoded password in its target URI (the documented form; Cutover
# shows it as ***). PGPASSWORD alone works too since the pg_dump backup fix after commit 25b13ee
# (tested by PostgreSqlTests.Migrate_PasswordFromPgpasswordOnly_ConnectsAndBacksUp).
PG_PASSWORD_ENC="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PGPASSWORD")"
cutover_uri() { printf 'postgresql://%s:%s@127.0.0.1:%s/%s' "$PG_USER" "$PG_PASSWORD_ENC" "$PG_PORT" "$1"; }
# psql_in DB SQL -> unaligned, tuples only.
psql_in() { psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$1" -v ON_ERROR_STOP=1 -tAc "$2"; }
fresh_db() { # drop and create DB, owned by the cutover role (it has CREATEDB)
    psql_in cutover_test "DROP DATABASE IF EXISTS \"$1\"" >/dev/null 2>&1 || true
    psql_in cutover_test "CREATE DATABASE \"$1\"" >/dev/null
}
# pg_schema_of DB TABLE -> the schema holding TABLE (pgloader and Cutover may pick different ones).
pg_schema_of() {
    psql_in "$1" "SELECT table_schema FROM information_schema.tables WHERE table_name = '$2' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_schema = current_schema() DESC LIMIT 1" 2>/dev/null || true
}
pg_count() { # DB TABLE -> COUNT(*) or nothing
    local schema; schema="$(pg_schema_of "$1" "$2")"
    [[ -n "$schema" ]] || return 0
    psql_in "$1" "SELECT COUNT(*) FROM \"$schema\".\"$2\"" 2>/dev/null || true
}
pg_value_type() { # DB -> the type of events.value, e.g. "real" or "double precision"
    local schema; schema="$(pg_schema_of "$1" events)"
    [[ -n "$schema" ]] || { echo "(no events table)"; return 0; }
    psql_in "$1" "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = '\"$schema\".events'::regclass AND a.attname = 'value' AND NOT a.attisdropped" 2>/dev/null || echo "(unknown)"
}

# value_sample DB -> "SRC → TARGET" for the first events row with a value, both printed with 17
# significant digits, so a narrowed float shows.
value_sample() {
    local schema id src dst
    schema="$(pg_schema_of "$1" events)"
    [[ -n "$schema" ]] || return 0
    id="$(python3 - "$SOURCE_DB" <<'PY' 2>/dev/null || true
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
r = con.execute("SELECT id, value FROM events WHERE value IS NOT NULL ORDER BY id LIMIT 1").fetchone()
print(f"{r[0]} {r[1]:.17g}")
PY
)"
    [[ -n "$id" ]] || return 0
    src="${id#* }"; id="${id%% *}"
    dst="$(psql_in "$1" "SET extra_float_digits = 3; SELECT value::float8 FROM \"$schema\".events WHERE id = $id" 2>/dev/null | tail -n 1 || true)"
    [[ -n "$dst" ]] || return 0
    printf 'events id %s: %s → %s' "$id" "$src" "$(python3 -c 'import sys; print(f"{float(sys.argv[1]):.17g}")' "$dst")"
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
SOURCE_ABS="$(cd "$(dirname "$SOURCE_DB")" && pwd)/$(basename "$SOURCE_DB")"

SRC_SESSIONS="$(count_rows "$SOURCE_DB" sessions)"
SRC_AGENTS="$(count_rows "$SOURCE_DB" agents)"
SRC_EVENTS="$(count_rows "$SOURCE_DB" events)"
SRC_TOTAL=$((SRC_SESSIONS + SRC_AGENTS + SRC_EVENTS))

# check_counts DB -> prints "" when every table matches the source, else what differs.
check_counts() {
    local db="$1" t want got bad=""
    for t in sessions agents events; do
        case "$t" in sessions) want="$SRC_SESSIONS" ;; agents) want="$SRC_AGENTS" ;; events) want="$SRC_EVENTS" ;; esac
        got="$(pg_count "$db" "$t")"
        [[ "$got" == "$want" ]] || bad="$bad${bad:+, }$t ${got:-missing} of $want"
    done
    printf '%s' "$bad"
}

# time_run NAME CMD... -> runs CMD under GNU time; sets RC, WALL_S, RSS_MB; output in $OUT_DIR/bench-pg-NAME.*
time_run() {
    local name="$1"; shift
    local time_out="$OUT_DIR/bench-pg-$name.time"
    set +e
    /usr/bin/time -v -o "$time_out" "$@" >"$OUT_DIR/bench-pg-$name.stdout" 2>"$OUT_DIR/bench-pg-$name.stderr"
    RC=$?
    set -e
    local wall_raw rss_kb
    wall_raw="$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time.*: \([0-9:.]*\)$/\1/p' "$time_out")"
    rss_kb="$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): \([0-9]*\)$/\1/p' "$time_out")"
    [[ -n "$wall_raw" && -n "$rss_kb" ]] || die "could not read wall time / peak RSS from $time_out"
    WALL_S="$(awk -v t="$wall_raw" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }')"
    RSS_MB="$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')"
}
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
fmt() { LC_ALL=C awk -v n="$1" 'BEGIN { s = sprintf("%d", n); o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } printf "%s%s", s, o }'; }
first_error_line() { # FILE -> the first line that looks like an error, else the last non-empty line
    local line
    local pattern
    # SBCL's heap exhaustion (pgloader) first: its "fatal error encountered" line names no cause.
    for pattern in 'Heap exhausted' 'ERROR|FATAL' '[Ee]rror'; do
        line="$(grep -m 1 -E "$pattern" "$1" 2>/dev/null || true)"
        [[ -z "$line" ]] || break
    done
    [[ -n "$line" ]] || line="$(grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1 || true)"
    printf '%s' "$line" | tr -s '[:space:]' ' ' | cut -c 1-300 | sed 's/|/\\|/g'
}

# --- (a) Cutover -------------------------------------------------------------------------------

CUT_DB="bench_cutover"
fresh_db "$CUT_DB"
cat >"$PLAN" <<EOF
name: $PLAN_NAME
source: sqlite:./$(basename "$SOURCE_DB")
target: $(cutover_uri "$CUT_DB")
batch_size: 5000
entities:
  - table: sessions
    key: id
  - table: agents
    key: id
  - table: events
    key: id
EOF
rm -rf "$OUT_DIR/.cutover/$PLAN_NAME"

MIGRATE=(dotnet "$CLI_DLL" migrate "$PLAN" --json)
CUT_CMD="/usr/bin/time -v ${MIGRATE[*]}"
log "(a) cutover: $CUT_CMD"
time_run cutover "${MIGRATE[@]}"
cp "$OUT_DIR/bench-pg-cutover.stdout" "$JSON_OUT"
CUT_WALL="$WALL_S"; CUT_RSS="$RSS_MB"; CUT_RC="$RC"
CUT_OK=0; CUT_RESULT=""; CUT_COPY_S=""; CUT_VERIFY_S=""

json_read() { # $1 = jq expression; python3 fallback evaluates the same fields
    if command -v jq >/dev/null; then
        jq -r "$1" "$JSON_OUT" 2>/dev/null || true
    else
        python3 - "$JSON_OUT" "$1" <<'PY' 2>/dev/null || true
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
expr = sys.argv[2]
if "error" in expr:
    e = d.get("error")
    print(f'{e["code"]}: {e["message"]}' if e else "")
elif "totals" in expr:
    print(d["totals"]["rows_written"])
elif "verification" in expr:
    print(sum(v["seconds"] for v in d["verification"]))
else:
    print(sum(e["seconds"] for e in d["entities"]))
PY
    fi
}
if (( CUT_RC != 0 )); then
    err="$(json_read 'if .error then "\(.error.code): \(.error.message)" else "" end')"
    [[ -n "$err" ]] || err="$(first_error_line "$OUT_DIR/bench-pg-cutover.stderr")"
    err="$(printf '%s' "$err" | tr -s '[:space:]' ' ' | cut -c 1-300 | sed 's/|/\\|/g')"
    CUT_RESULT="failed after $CUT_WALL s (exit $CUT_RC): \`$err\`"
    echo "cutover migrate exited with $CUT_RC: $err (stderr: $OUT_DIR/bench-pg-cutover.stderr, stdout: $JSON_OUT)" >&2
else
    bad="$(check_counts "$CUT_DB")"
    if [[ -n "$bad" ]]; then
        CUT_RESULT="failed: target row counts differ from the source ($bad)"
    else
        CUT_OK=1; CUT_RESULT="ok, row counts match"
        CUT_COPY_S="$(awk -v s="$(json_read '[.entities[].seconds] | add')" 'BEGIN { printf "%.2f", s }')"
        CUT_VERIFY_S="$(awk -v s="$(json_read '[.verification[].seconds] | add')" 'BEGIN { printf "%.2f", s }')"
    fi
fi
CUT_TYPE="$(pg_value_type "$CUT_DB")"
CUT_SAMPLE="$(value_sample "$CUT_DB")"

# --- (b), (c) pgloader -------------------------------------------------------------------------

# run_pgloader NAME DB EXTRA-ARGS... -> sets PGL_<NAME>_{CMD,WALL,RSS,OK,RESULT,TYPE}
run_pgloader() {
    local name="$1" db="$2"; shift 2
    fresh_db "$db"
    local cmd=(pgloader "$@" "sqlite://$SOURCE_ABS" "$(pg_uri "$db")")
    local shown="/usr/bin/time -v pgloader" a
    for a in "$@"; do
        if [[ "$a" == *" "* ]]; then shown="$shown \"$a\""; else shown="$shown $a"; fi
    done
    shown="$shown sqlite://$SOURCE_ABS $(pg_uri "$db")"
    log "($name) $shown"
    time_run "$name" "${cmd[@]}"
    local ok=0 result bad
    # pgloader can exit 0 with rows rejected, so the counts decide.
    bad="$(check_counts "$db")"
    if (( RC != 0 )); then
        result="failed after $WALL_S s (exit $RC): \`$(first_error_line "$OUT_DIR/bench-pg-$name.stderr")\`"
    elif [[ -n "$bad" ]]; then
        result="failed: target row counts differ from the source ($bad)"
    else
        ok=1; result="ok, row counts match"
    fi
    printf -v "PGL_${name}_CMD" '%s' "$shown"
    printf -v "PGL_${name}_WALL" '%s' "$WALL_S"
    printf -v "PGL_${name}_RSS" '%s' "$RSS_MB"
    printf -v "PGL_${name}_OK" '%s' "$ok"
    printf -v "PGL_${name}_RESULT" '%s' "$result"
    printf -v "PGL_${name}_TYPE" '%s' "$(pg_value_type "$db")"
    printf -v "PGL_${name}_SAMPLE" '%s' "$(value_sample "$db")"
}
run_pgloader default bench_pgloader
run_pgloader prefetch bench_pgloader_prefetch --with "prefetch rows = 10000"

# --- record --------------------------------------------------------------------------------------

CPU="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
[[ -n "$CPU" ]] || CPU="$(uname -m)"
MEM_GIB="$(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY="$(git status --porcelain --untracked-files=no -- . ":!$DOCS" 2>/dev/null | head -n 1)"
[[ -z "$DIRTY" ]] || COMMIT="$COMMIT (+ uncommitted changes)"

# row TOOL CMD WALL RSS OK RESULT NOTES -> a table row; wall and rows/s only for a run that succeeded.
row() {
    local wall="—" rps="—"
    if [[ "$5" == 1 ]]; then wall="$3"; rps="$(fmt "$(rate "$SRC_TOTAL" "$3")")"; fi
    printf '| %s | `%s` | %s | %s | %s | %s | %s |\n' "$1" "$2" "$wall" "$rps" "$4" "$6" "$7"
}
float_note() { # TYPE SAMPLE
    case "$1" in
        real) printf 'events.value (SQLite REAL) → `real` (float4, about 7 significant digits)' ;;
        "double precision") printf 'events.value (SQLite REAL) → `double precision` (float8)' ;;
        *) printf 'events.value (SQLite REAL) → `%s`' "$1" ;;
    esac
    [[ -z "${2:-}" ]] || printf '; %s' "$2"
}
ratio_line() { # LABEL PGL-NAME
    local ok wall
    ok="PGL_${2}_OK"; wall="PGL_${2}_WALL"
    if (( CUT_OK == 1 )) && [[ "${!ok}" == 1 ]]; then
        printf '| Cutover / %s | whole `migrate` (incl. backups and verification): %s; copy phase only: %s |\n' \
            "$1" "$(ratio "$CUT_WALL" "${!wall}")" "$(ratio "$CUT_COPY_S" "${!wall}")"
    else
        printf '| Cutover / %s | not computed: %s |\n' "$1" "$( (( CUT_OK == 1 )) || printf 'Cutover failed'; (( CUT_OK == 1 )) || [[ "${!ok}" == 1 ]] || printf ' and '; [[ "${!ok}" == 1 ]] || printf 'pgloader failed' )"
    fi
}

SECTION="$(mktemp)"
{
cat <<EOF
$HEADING

Written by \`bench/sqlite-to-postgres.sh\`$( [[ "$ROWS" == 1000000 ]] || printf ' (`ROWS=%s`)' "$ROWS" ); run it again to refresh this section.
All three runs load the same source (\`$SOURCE_DB\`, $(fmt "$SRC_TOTAL") rows: sessions $(fmt "$SRC_SESSIONS") +
agents $(fmt "$SRC_AGENTS") + events $(fmt "$SRC_EVENTS")) into their own fresh, empty database on one throwaway
PostgreSQL $PG_VERSION server (\`scripts/services/postgres.sh\`: 127.0.0.1, \`fsync=off\`,
\`synchronous_commit=off\`, \`full_page_writes=off\`), one after the other, in the same run, once each.
Wall time and peak RSS come from GNU time; rows/s is source rows / wall. A run counts only when it
exits 0 and every target table holds the source's row count.

| tool | command (repo root) | wall s | rows/s | peak RSS MB | result | notes |
| --- | --- | --- | --- | --- | --- | --- |
EOF
cut_notes="$(float_note "$CUT_TYPE" "$CUT_SAMPLE")"
if (( CUT_OK == 1 )); then
    cut_notes="whole \`migrate\`: preflight, backups (SQLite file and \`pg_dump\` of the target), schema, copy, indexes, verification; copy phase $CUT_COPY_S s ($(fmt "$(rate "$SRC_TOTAL" "$CUT_COPY_S")") rows/s), verification $CUT_VERIFY_S s; $cut_notes"
fi
row "Cutover" "$CUT_CMD" "$CUT_WALL" "$CUT_RSS" "$CUT_OK" "$CUT_RESULT" "$cut_notes"
row "pgloader $PGLOADER_VERSION, defaults" "$PGL_default_CMD" "$PGL_default_WALL" "$PGL_default_RSS" "$PGL_default_OK" "$PGL_default_RESULT" "$(float_note "$PGL_default_TYPE" "$PGL_default_SAMPLE")"
row "pgloader $PGLOADER_VERSION, prefetch rows = 10000" "$PGL_prefetch_CMD" "$PGL_prefetch_WALL" "$PGL_prefetch_RSS" "$PGL_prefetch_OK" "$PGL_prefetch_RESULT" "$(float_note "$PGL_prefetch_TYPE" "$PGL_prefetch_SAMPLE")"
cat <<EOF

| | |
| --- | --- |
$(ratio_line "pgloader (defaults)" default)
$(ratio_line "pgloader (prefetch rows = 10000)" prefetch)
| date | $(date -u +%Y-%m-%dT%H:%M:%SZ) |
| machine | $CPU, nproc $(nproc)${MEM_GIB:+, ${MEM_GIB} GiB RAM} |
| commit | $COMMIT |
| .NET SDK | $(dotnet --version) |
| PostgreSQL | $PG_VERSION (throwaway server on port $PG_PORT, databases \`$CUT_DB\`, \`bench_pgloader\`, \`bench_pgloader_prefetch\`) |
| pgloader | $PGLOADER_VERSION (Debian package) |
| Cutover plan | \`$PLAN\`: sessions, agents, events copied by \`id\`, \`batch_size: 5000\`, \`target: postgresql://$PG_USER:***@127.0.0.1:$PG_PORT/$CUT_DB\` (the URL-encoded password in the URI; pgloader gets it from \`PGPASSWORD\`) |

Ratios below 1 mean Cutover took less time. pgloader does no backup and no verification; Cutover's
copy phase is the closer like-for-like figure, its whole \`migrate\` the one a user waits for.
EOF
} >"$SECTION"

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

echo "rows: $SRC_TOTAL"
echo "cutover:            wall ${CUT_WALL}s  RSS ${CUT_RSS} MB  copy ${CUT_COPY_S:-n/a}s  verify ${CUT_VERIFY_S:-n/a}s  value: $CUT_TYPE  -> $CUT_RESULT"
echo "pgloader defaults:  wall ${PGL_default_WALL}s  RSS ${PGL_default_RSS} MB  value: $PGL_default_TYPE  -> $PGL_default_RESULT"
echo "pgloader prefetch:  wall ${PGL_prefetch_WALL}s  RSS ${PGL_prefetch_RSS} MB  value: $PGL_prefetch_TYPE  -> $PGL_prefetch_RESULT"
echo "-> $DOCS"
