#!/usr/bin/env bash
# PostgreSQL benchmark (issue 3): Cutover against its peers, A/B, in one run on one throwaway
# PostgreSQL 15 (scripts/services/postgres.sh, private env file, stopped on exit). Every run loads
# the same data into a fresh, empty database of its own on that server, one after the other:
#
#   SQLite -> PostgreSQL
#     cutover migrate, like-for-like    copy, primary keys, indexes, foreign keys, sequences;
#                                       --jobs N, backup: none, verify: none (when the build has them)
#     cutover migrate, whole default    the same plus preflight, backups and checksum verification;
#                                       --jobs N, backup: all, verify: checksums (when the build has them)
#     pgloader                          its defaults, then --with "prefetch rows = 10000"
#     the floor                         sqlite3 -csv | psql \copy per table, then primary keys, indexes,
#                                       foreign keys and sequences in SQL (bench/sql/floor-*.sql)
#   PostgreSQL -> PostgreSQL, from the database the floor loaded (VACUUM FREEZE ANALYZE first)
#     cutover migrate                   the same two configurations
#     pgcopydb clone --table-jobs 2 --index-jobs 2
#
# Each run is timed by GNU time (wall, peak RSS). After it, the target's row counts are compared with
# the source's: a run that fails or leaves a different count is recorded as a failure, not a time.
# The target's keys, indexes, sequences and events.value type are recorded, then it is dropped. The
# section for this size in docs/BENCHMARKS.md is replaced; other sections are kept.
#
#   bench/postgres.sh                    # 1M events rows (~1.06M rows in all)
#   ROWS=5000000 bench/postgres.sh       # 5M events rows
#   JOBS=4 bench/postgres.sh             # Cutover's --jobs (default 2, as pgcopydb's --table-jobs)
#
# Needs: dotnet, PostgreSQL 15 server binaries and psql, sqlite3, python3, jq or python3, GNU time at
# /usr/bin/time, pgloader and pgcopydb (time, sqlite3, pgloader and pgcopydb are installed with
# apt-get when missing and running as root).
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup
RSS_BUDGET_MB="${RSS_BUDGET_MB:-250}"
JOBS="${JOBS:-2}"
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "JOBS must be a positive integer, got '$JOBS'"

HEADING="## PostgreSQL, $LABEL_UPPER events: SQLite → PostgreSQL and PostgreSQL → PostgreSQL (issue 3)"
# The section bench/sqlite-to-postgres.sh wrote before this script replaced it.
LEGACY_HEADING="## SQLite → PostgreSQL, $LABEL_UPPER events (issue 3)"
PGCOPYDB_DIR="$OUT_DIR/pgcopydb"
FLOOR_SCRIPT="$OUT_DIR/bench-pg-floor.sh"
FLOOR_DB=bench_floor

# --- prerequisites -----------------------------------------------------------------------------

command -v python3 >/dev/null || die "need python3 (scripts/services/postgres.sh uses it too)"
command -v psql >/dev/null || die "psql is not on PATH. Install it: sudo apt-get install -y postgresql-15 (or postgresql-client-15)"
require_gnu_time
# tool PACKAGE -> installs the package of the same name when the command is missing (root only), else fails.
tool() {
    command -v "$1" >/dev/null || apt_install "$1" || true
    command -v "$1" >/dev/null || die "$1 is required for the comparison and is not on PATH. Install it: sudo apt-get install -y $1 (or run this script as root, which installs it)"
}
tool sqlite3
tool pgloader
tool pgcopydb
# Whole outputs first, then sed: a pipe closed early would stop the script under pipefail (SIGPIPE).
PGLOADER_VERSION="$(pgloader --version 2>/dev/null || true)"
PGLOADER_VERSION="$(sed -n '1{s/^pgloader version //; s/"//g; p}' <<<"$PGLOADER_VERSION")"
PGCOPYDB_VERSION="$(pgcopydb --version 2>/dev/null || true)"
PGCOPYDB_VERSION="$(sed -n 's/^pgcopydb version //p' <<<"$PGCOPYDB_VERSION")"
LOAD_AT_START="$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo unknown)"

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
# scripts/services/postgres.sh gives its superuser the same password; it is used only for CHECKPOINT.
PG_SUPERUSER=postgres
# The password goes to every tool through PGPASSWORD only, so no command line below holds it.
PGPASSWORD="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote(urllib.parse.urlsplit(sys.argv[1]).password))' "$CUTOVER_TEST_PG")"
export PGPASSWORD
# Cutover's plans carry it URL-encoded in their URIs (the documented form; Cutover shows it as ***).
PG_PASSWORD_ENC="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PGPASSWORD")"

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER")
pg_uri() { printf 'postgresql://%s@127.0.0.1:%s/%s' "$PG_USER" "$PG_PORT" "$1"; }
cutover_uri() { printf 'postgresql://%s:%s@127.0.0.1:%s/%s' "$PG_USER" "$PG_PASSWORD_ENC" "$PG_PORT" "$1"; }
shown_cutover_uri() { printf 'postgresql://%s:***@127.0.0.1:%s/%s' "$PG_USER" "$PG_PORT" "$1"; }
# psql_in DB SQL -> unaligned, tuples only.
psql_in() { "${PSQL[@]}" -d "$1" -tAc "$2"; }
fresh_db() { # drop and create DB, owned by the cutover role (it has CREATEDB)
    drop_db "$1"
    psql_in cutover_test "CREATE DATABASE \"$1\"" >/dev/null
}
drop_db() { psql_in cutover_test "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1 || true; }
# settle -> CHECKPOINT, so a run does not pay for writing out the pages the one before it dirtied.
SETTLED=1
settle() {
    psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres -c CHECKPOINT >/dev/null 2>&1 || SETTLED=0
}
PG_VERSION="$(psql_in cutover_test 'SHOW server_version')"
PG_VERSION="${PG_VERSION%% *}"

# pg_schema_of DB TABLE -> the schema holding TABLE (the tools may pick different ones).
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
# pg_shape DB -> what the load built besides rows: keys, indexes and sequence positions.
pg_shape() {
    psql_in "$1" "
        WITH s AS (SELECT oid FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg_toast%')
        SELECT (SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND connamespace IN (SELECT oid FROM s)) || ' primary keys, '
            || (SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace IN (SELECT oid FROM s)) || ' foreign keys, '
            || (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE NOT i.indisprimary AND c.relnamespace IN (SELECT oid FROM s)) || ' other indexes; sequences: '
            || coalesce((SELECT string_agg(sequencename || ' at ' || coalesce(last_value::text, 'start'), ', ' ORDER BY sequencename)
                         FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema')), 'none')" 2>/dev/null || echo "(could not read the schema)"
}

# value_sample DB -> "SRC → TARGET" for the first events row with a value, both printed with 17
# significant digits, so a narrowed float shows.
value_sample() {
    local schema id src dst
    schema="$(pg_schema_of "$1" events)"
    [[ -n "$schema" ]] || return 0
    id="$(sqlite3 -readonly "$SOURCE_DB" "SELECT id || ' ' || printf('%!.17g', value) FROM events WHERE value IS NOT NULL ORDER BY id LIMIT 1" 2>/dev/null || true)"
    [[ -n "$id" ]] || return 0
    src="${id#* }"; id="${id%% *}"
    dst="$(psql_in "$1" "SET extra_float_digits = 3; SELECT value::float8 FROM \"$schema\".events WHERE id = $id" 2>/dev/null | tail -n 1 || true)"
    [[ -n "$dst" ]] || return 0
    printf 'events id %s: %s → %s' "$id" "$src" "$(python3 -c 'import sys; print(f"{float(sys.argv[1]):.17g}")' "$dst")"
}

# --- build and data ----------------------------------------------------------------------------

build_cli
ensure_source

# check_counts DB -> "" when every table holds the source's row count, else what differs.
check_counts() {
    local db="$1" t want got bad=""
    for t in sessions agents events; do
        case "$t" in sessions) want="$SRC_SESSIONS" ;; agents) want="$SRC_AGENTS" ;; events) want="$SRC_EVENTS" ;; esac
        got="$(pg_count "$db" "$t")"
        [[ "$got" == "$want" ]] || bad="$bad${bad:+, }$t ${got:-missing} of $want"
    done
    printf '%s' "$bad"
}

# Results by run id and field: R[id.cmd], R[id.wall], R[id.rss], R[id.ok], R[id.result], R[id.shape], ...
declare -A R
# judge ID DB -> after time_run: wall, RSS, whether it counts, and what the target looks like.
judge() {
    local id="$1" db="$2" bad
    R[$id.wall]="$WALL_S"; R[$id.rss]="$RSS_MB"; R[$id.ok]=0
    # A tool can exit 0 with rows rejected (pgloader does), so the counts decide too.
    bad="$(check_counts "$db")"
    if (( RC != 0 )); then
        R[$id.result]="failed after $WALL_S s (exit $RC): \`${R[$id.error]:-$(first_error_line "$OUT_DIR/bench-pg-$id.stderr")}\`"
    elif [[ -n "$bad" ]]; then
        R[$id.result]="failed: target row counts differ from the source ($bad)"
    else
        R[$id.ok]=1; R[$id.result]="ok, row counts match"
    fi
    R[$id.shape]="$(pg_shape "$db")"
    R[$id.type]="$(pg_value_type "$db")"
    R[$id.sample]="$(value_sample "$db")"
    log "($id) wall ${R[$id.wall]} s, peak RSS ${R[$id.rss]} MB: ${R[$id.result]}"
}

# shown ARGS... -> the command as it reads in the docs, arguments with spaces in double quotes.
shown() {
    local out="" a
    for a in "$@"; do
        if [[ "$a" == *" "* ]]; then out="$out \"$a\""; else out="$out $a"; fi
    done
    printf '%s' "${out# }"
}

# --- Cutover's features: --jobs and the plan keys backup: and verify: -----------------------------

# write_plan FILE NAME SOURCE TARGET [LINE...] -> the benchmark plan: sessions, agents, events by id.
write_plan() {
    local file="$1" name="$2" source="$3" target="$4"; shift 4
    {
        printf 'name: %s\nsource: %s\ntarget: %s\nbatch_size: 5000\n' "$name" "$source" "$target"
        (( $# == 0 )) || printf '%s\n' "$@"
        printf 'entities:\n'
        printf '  - table: %s\n    key: id\n' sessions agents events
    } >"$file"
}
SQLITE_SOURCE="sqlite:./$(basename "$SOURCE_DB")"

MIGRATE_HELP="$(dotnet "$CLI_DLL" migrate --help 2>&1 || true)"
HAS_JOBS=0
[[ "$MIGRATE_HELP" == *--jobs* ]] && HAS_JOBS=1
JOBS_ARGS=()
(( HAS_JOBS == 0 )) || JOBS_ARGS=(--jobs "$JOBS")

# plan_accepts [LINE...] -> true when `cutover plan` takes the benchmark plan with LINEs added (exit 0, or 4
# for preflight findings), false when it refuses it as invalid (exit 3); anything else stops the script.
# The probe's source has the benchmark's tables but no rows, so preflight costs nothing at any size.
PROBE_DB=bench_probe
PROBE_PLAN="$OUT_DIR/bench-pg-probe.yaml"
PROBE_SOURCE="$OUT_DIR/bench-pg-probe.db"
rm -f "$PROBE_SOURCE"
sqlite3 "$PROBE_SOURCE" "CREATE TABLE sessions (id TEXT PRIMARY KEY); CREATE TABLE agents (id INTEGER PRIMARY KEY); CREATE TABLE events (id INTEGER PRIMARY KEY);"
plan_accepts() {
    local rc
    write_plan "$PROBE_PLAN" bench-pg-probe "sqlite:./$(basename "$PROBE_SOURCE")" "$(cutover_uri "$PROBE_DB")" "$@"
    set +e
    dotnet "$CLI_DLL" plan "$PROBE_PLAN" >"$OUT_DIR/bench-pg-probe.out" 2>&1
    rc=$?
    set -e
    case "$rc" in
        0 | 4) return 0 ;;
        3) log "this build refuses '$*': $(first_error_line "$OUT_DIR/bench-pg-probe.out")"; return 1 ;;
        *) die "cutover plan $PROBE_PLAN exited $rc: $(first_error_line "$OUT_DIR/bench-pg-probe.out")" ;;
    esac
}
fresh_db "$PROBE_DB"
plan_accepts || die "cutover plan refuses the benchmark plan itself (see $OUT_DIR/bench-pg-probe.out)"
HAS_BACKUP_KEY=0; plan_accepts "backup: none" && plan_accepts "backup: all" && HAS_BACKUP_KEY=1
HAS_VERIFY_KEY=0; plan_accepts "verify: none" && plan_accepts "verify: checksums" && HAS_VERIFY_KEY=1
drop_db "$PROBE_DB"
rm -f "$PROBE_PLAN" "$PROBE_SOURCE"

LIKE_LINES=(); FULL_LINES=()
(( HAS_BACKUP_KEY == 0 )) || { LIKE_LINES+=("backup: none"); FULL_LINES+=("backup: all"); }
(( HAS_VERIFY_KEY == 0 )) || { LIKE_LINES+=("verify: none"); FULL_LINES+=("verify: checksums"); }
# Without a key to switch backups or verification off, a like-for-like run is the default run again.
RUN_LIKE=0
(( ${#LIKE_LINES[@]} == 0 )) || RUN_LIKE=1
joined() { local IFS=","; printf '%s' "$*" | sed 's/,/, /g'; }
CONFIG_FLAGS="$( (( HAS_JOBS == 0 )) || printf -- '--jobs %s' "$JOBS" )"
LIKE_CONFIG="$(joined ${CONFIG_FLAGS:+"$CONFIG_FLAGS"} "${LIKE_LINES[@]}")"
FULL_CONFIG="$(joined ${CONFIG_FLAGS:+"$CONFIG_FLAGS"} "${FULL_LINES[@]}")"
[[ -n "$FULL_CONFIG" ]] || FULL_CONFIG="no options, the plan's defaults"
FEATURES="\`migrate --jobs\`: $( (( HAS_JOBS )) && echo yes || echo no); plan key \`backup:\`: $( (( HAS_BACKUP_KEY )) && echo yes || echo no); plan key \`verify:\`: $( (( HAS_VERIFY_KEY )) && echo yes || echo no)"
log "Cutover features: $FEATURES"

# run_cutover ID PLAN DB -> one timed `cutover migrate PLAN [--jobs N] --json` into the fresh database DB.
run_cutover() {
    local id="$1" plan="$2" db="$3" name
    name="$(awk '/^name: / { print $2; exit }' "$plan")"
    rm -rf "$OUT_DIR/.cutover/$name"
    fresh_db "$db"
    settle
    local cmd=(dotnet "$CLI_DLL" migrate "$plan" "${JOBS_ARGS[@]}" --json)
    R[$id.cmd]="/usr/bin/time -v $(shown "${cmd[@]}")"
    log "($id) ${R[$id.cmd]}"
    local started
    started="$(date +%s.%N)"
    time_run "$OUT_DIR/bench-pg-$id" "${cmd[@]}"
    R[$id.phases]="$(migrate_phases "$OUT_DIR/bench-pg-$id.stderr" "$started" "$WALL_S")"
    local json="$OUT_DIR/bench-pg-$id.stdout" err
    err="$(migrate_json "$json" error)"
    [[ -z "$err" ]] || R[$id.error]="$(md_cell "$err")"
    judge "$id" "$db"
    R[$id.copy]="$(secs "$(migrate_json "$json" copy_seconds)")"
    R[$id.verify]="$(secs "$(migrate_json "$json" verify_seconds)")"
    drop_db "$db"
    # Backups of a whole-default run (pg_dump of source and target) are not kept.
    rm -rf "$OUT_DIR/.cutover/$name"
}

# --- SQLite -> PostgreSQL ------------------------------------------------------------------------

SQLITE_LIKE_PLAN="$OUT_DIR/bench-pg-sqlite-like.yaml"
SQLITE_FULL_PLAN="$OUT_DIR/bench-pg-sqlite-full.yaml"
if (( RUN_LIKE )); then
    write_plan "$SQLITE_LIKE_PLAN" bench-pg-sqlite-like "$SQLITE_SOURCE" "$(cutover_uri bench_cutover_like)" "${LIKE_LINES[@]}"
    run_cutover sl "$SQLITE_LIKE_PLAN" bench_cutover_like
fi
write_plan "$SQLITE_FULL_PLAN" bench-pg-sqlite-full "$SQLITE_SOURCE" "$(cutover_uri bench_cutover_full)" "${FULL_LINES[@]}"
run_cutover sf "$SQLITE_FULL_PLAN" bench_cutover_full

SOURCE_ABS="$(cd "$(dirname "$SOURCE_DB")" && pwd)/$(basename "$SOURCE_DB")"
# run_pgloader ID DB EXTRA-ARGS...
run_pgloader() {
    local id="$1" db="$2"; shift 2
    fresh_db "$db"
    settle
    local cmd=(pgloader "$@" "sqlite://$SOURCE_ABS" "$(pg_uri "$db")")
    R[$id.cmd]="/usr/bin/time -v $(shown "${cmd[@]}")"
    log "($id) ${R[$id.cmd]}"
    time_run "$OUT_DIR/bench-pg-$id" "${cmd[@]}"
    judge "$id" "$db"
    drop_db "$db"
}
run_pgloader pgl bench_pgloader
run_pgloader pglp bench_pgloader_prefetch --with "prefetch rows = 10000"

# The floor: the plainest load PostgreSQL offers. sqlite3 prints REAL with 15 significant digits, so
# the export prints doubles with 17 (exact); CSV keeps NULL (unquoted, empty) apart from '' (quoted).
FLOOR_SQL=(
    "sessions:SELECT id, project, created_at, CASE WHEN typeof(score) = 'real' THEN printf('%!.17g', score) ELSE score END FROM sessions"
    "agents:SELECT id, session_id, name, model FROM agents"
    "events:SELECT id, agent_id, kind, payload, ts, CASE WHEN typeof(value) = 'real' THEN printf('%!.17g', value) ELSE value END FROM events"
)
{
    printf '#!/usr/bin/env bash\n# Written by bench/postgres.sh: the floor, SQLite -> PostgreSQL by hand. Password from PGPASSWORD.\nset -euo pipefail\n'
    printf 'PSQL=(%s)\n' "$(shown "${PSQL[@]}" -d "$FLOOR_DB")"
    printf '"${PSQL[@]}" -f bench/sql/floor-tables.sql\n'
    for entry in "${FLOOR_SQL[@]}"; do
        printf 'sqlite3 -csv %s "%s" | "${PSQL[@]}" -c '"'"'\\copy %s FROM STDIN (FORMAT csv)'"'"'\n' "$SOURCE_DB" "${entry#*:}" "${entry%%:*}"
    done
    printf '"${PSQL[@]}" -f bench/sql/floor-keys.sql\n'
} >"$FLOOR_SCRIPT"
fresh_db "$FLOOR_DB"
settle
R[floor.cmd]="/usr/bin/time -v bash $FLOOR_SCRIPT"
log "(floor) ${R[floor.cmd]}"
time_run "$OUT_DIR/bench-pg-floor" bash "$FLOOR_SCRIPT"
judge floor "$FLOOR_DB"
(( ${R[floor.ok]} == 1 )) || die "the floor failed (${R[floor.result]}); the PostgreSQL -> PostgreSQL runs need the database it loads"

# --- PostgreSQL -> PostgreSQL, from the floor's database ------------------------------------------

log "VACUUM (FREEZE, ANALYZE) on $FLOOR_DB, the PostgreSQL source (not timed)"
psql_in "$FLOOR_DB" "VACUUM (FREEZE, ANALYZE) sessions, agents, events" >/dev/null
PG_SOURCE_SHAPE="$(pg_shape "$FLOOR_DB")"

PG_LIKE_PLAN="$OUT_DIR/bench-pg-pg-like.yaml"
PG_FULL_PLAN="$OUT_DIR/bench-pg-pg-full.yaml"
if (( RUN_LIKE )); then
    write_plan "$PG_LIKE_PLAN" bench-pg-pg-like "$(cutover_uri "$FLOOR_DB")" "$(cutover_uri bench_pg_cutover_like)" "${LIKE_LINES[@]}"
    run_cutover pl "$PG_LIKE_PLAN" bench_pg_cutover_like
fi
write_plan "$PG_FULL_PLAN" bench-pg-pg-full "$(cutover_uri "$FLOOR_DB")" "$(cutover_uri bench_pg_cutover_full)" "${FULL_LINES[@]}"
run_cutover pf "$PG_FULL_PLAN" bench_pg_cutover_full

fresh_db bench_pgcopydb
rm -rf "$PGCOPYDB_DIR"
settle
PGCOPYDB_CMD=(pgcopydb clone --source "$(pg_uri "$FLOOR_DB")" --target "$(pg_uri bench_pgcopydb)" --table-jobs 2 --index-jobs 2 --dir "$PGCOPYDB_DIR")
R[pgc.cmd]="/usr/bin/time -v $(shown "${PGCOPYDB_CMD[@]}")"
log "(pgc) ${R[pgc.cmd]}"
time_run "$OUT_DIR/bench-pg-pgc" "${PGCOPYDB_CMD[@]}"
judge pgc bench_pgcopydb
drop_db bench_pgcopydb
rm -rf "$PGCOPYDB_DIR"

# --- record --------------------------------------------------------------------------------------

machine_facts

# row ID RUN-NAME NOTES -> a table row; wall and rows/s only for a run that counts.
row() {
    local id="$1" wall="—" rps="—"
    if [[ "${R[$id.ok]}" == 1 ]]; then wall="${R[$id.wall]}"; rps="$(fmt "$(rate "$SRC_TOTAL" "${R[$id.wall]}")")"; fi
    printf '| %s | `%s` | %s | %s | %s | %s | %s |\n' "$2" "${R[$id.cmd]}" "$wall" "$rps" "${R[$id.rss]}" "${R[$id.result]}" "$3"
}
not_run_row() { # RUN-NAME
    printf '| %s | — | — | — | — | not run: this build has neither a `backup:` nor a `verify:` plan key to switch off | the whole default run below is the only Cutover figure |\n' "$1"
}
float_note() { # ID
    local type="${R[$1.type]}" sample="${R[$1.sample]}"
    case "$type" in
        real) printf 'events.value → `real` (float4, about 7 significant digits)' ;;
        *) printf 'events.value → `%s`' "$type" ;;
    esac
    [[ -z "$sample" ]] || printf '; %s' "$sample"
}
cutover_notes() { # ID WHAT
    local id="$1"
    printf '%s' "$2"
    [[ "${R[$id.ok]}" != 1 ]] || printf '; copy %s s (entity times summed)%s' "${R[$id.copy]}" \
        "$(awk -v v="${R[$id.verify]}" 'BEGIN { exit !(v > 0) }' && printf ', verification %s s' "${R[$id.verify]}")"
    [[ -z "${R[$id.phases]:-}" ]] || printf '; by phase (to about a second): %s' "${R[$id.phases]}"
    printf '; target: %s; %s' "${R[$id.shape]}" "$(float_note "$id")"
}
# wall_ratio A B -> A's wall / B's wall, or why there is none.
wall_ratio() {
    if [[ "${R[$1.ok]:-0}" == 1 && "${R[$2.ok]:-0}" == 1 ]]; then ratio "${R[$1.wall]}" "${R[$2.wall]}"
    elif [[ -z "${R[$1.ok]:-}" ]]; then printf 'not run'
    else printf 'not computed: %s failed' "$( [[ "${R[$1.ok]}" == 1 ]] && echo "$2" || echo "$1")"
    fi
}
# target_row WHAT LIMIT-TEXT OP LIMIT MEASURED [NOTE]
target_row() {
    local met="—"
    if [[ "$5" =~ ^[0-9.]+$ ]]; then
        if awk -v m="$5" -v l="$4" -v op="$3" 'BEGIN { exit !((op == "<=") ? m <= l : m < l) }'; then met="yes"; else met="**no**"; fi
    fi
    printf '| %s | %s | %s%s | %s |\n' "$1" "$2" "$5" "${6:+ ($6)}" "$met"
}
name_of() {
    case "$1" in
        sl | pl) printf 'Cutover like-for-like' ;; sf | pf) printf 'Cutover whole default run' ;;
        pgl) printf 'pgloader defaults' ;; pglp) printf 'pgloader prefetch rows = 10000' ;;
        pgc) printf 'pgcopydb' ;; floor) printf 'the floor' ;;
    esac
}

# The issue's pgloader baseline: its defaults, or the prefetch run when the defaults fail.
PGL_BASE=pgl
[[ "${R[pgl.ok]}" == 1 || "${R[pglp.ok]}" != 1 ]] || PGL_BASE=pglp
MAX_RSS=0; MAX_RSS_RUN=""
for id in sl sf pl pf; do
    [[ -n "${R[$id.rss]:-}" ]] || continue
    if awk -v a="${R[$id.rss]}" -v b="$MAX_RSS" 'BEGIN { exit !(a > b) }'; then MAX_RSS="${R[$id.rss]}"; MAX_RSS_RUN="$id"; fi
done

LIKE_WHAT="like-for-like ($LIKE_CONFIG): schema, copy, primary keys, indexes, foreign keys, sequences$( (( HAS_BACKUP_KEY )) || printf ', still with backups'; (( HAS_VERIFY_KEY )) || printf ', still with verification')"
# full_what SOURCE-BACKUP -> what the whole default run did, naming how the source was backed up.
full_what() { printf 'whole default run (%s): preflight, backups (%s and `pg_dump` of the target, checksummed and verified), schema, copy, primary keys, indexes, foreign keys, sequences, checksum verification of both sides' "$FULL_CONFIG" "$1"; }

TABLE_HEAD='| run | command (repo root) | wall s | rows/s | peak RSS MB | result | notes |
| --- | --- | --- | --- | --- | --- | --- |'
cutover_rows() { # LIKE-ID FULL-ID SOURCE-BACKUP -> the two Cutover rows of a direction
    if (( RUN_LIKE )); then
        row "$1" "Cutover, like-for-like" "$(cutover_notes "$1" "$LIKE_WHAT")"
    else
        not_run_row "Cutover, like-for-like"
    fi
    row "$2" "Cutover, whole default run" "$(cutover_notes "$2" "$(full_what "$3")")"
}

SECTION="$(mktemp)"
{
cat <<EOF
$HEADING

Written by \`bench/postgres.sh\`$( [[ "$ROWS" == 1000000 ]] || printf ' (`ROWS=%s`)' "$ROWS" ); run it again to refresh this section.
Every run loads the same data (\`$SOURCE_DB\`, $(fmt "$SRC_TOTAL") rows: sessions $(fmt "$SRC_SESSIONS") + agents
$(fmt "$SRC_AGENTS") + events $(fmt "$SRC_EVENTS")) into a fresh, empty database of its own on one throwaway PostgreSQL
$PG_VERSION server (\`scripts/services/postgres.sh\`: 127.0.0.1, \`fsync=off\`, \`synchronous_commit=off\`,
\`full_page_writes=off\`), one after the other, in the same run, once each, with a \`CHECKPOINT\` before
each$( (( SETTLED )) || printf ' (the CHECKPOINT failed this time)'). Wall time and peak RSS come from GNU time (peak RSS is that
of the largest single process the command ran); rows/s is source rows / wall. A run counts only
when it exits 0 and every target table holds the source's row count; each target is then dropped.

### SQLite → PostgreSQL

$TABLE_HEAD
EOF
cutover_rows sl sf "a copy of the SQLite file"
row pgl "pgloader $PGLOADER_VERSION, defaults" "target: ${R[pgl.shape]}; $(float_note pgl)"
row pglp "pgloader $PGLOADER_VERSION, prefetch rows = 10000" "target: ${R[pglp.shape]}; $(float_note pglp)"
row floor "the floor: \`sqlite3 -csv\` \| \`psql \\copy\`, then keys in SQL" "the script below; target: ${R[floor.shape]}; $(float_note floor)"
cat <<EOF

The floor, \`$FLOOR_SCRIPT\` (tables: \`bench/sql/floor-tables.sql\`, keys: \`bench/sql/floor-keys.sql\`):

\`\`\`bash
$(sed 1,3d "$FLOOR_SCRIPT")
\`\`\`

### PostgreSQL → PostgreSQL

The source is the database the floor loaded, after an untimed \`VACUUM (FREEZE, ANALYZE)\`
(\`$FLOOR_DB\`: $PG_SOURCE_SHAPE). Every tool connects as the role \`$PG_USER\` (LOGIN, CREATEDB, owner of every
database; not a superuser, no REPLICATION): \`pgcopydb clone\` without \`--follow\` needs neither.

$TABLE_HEAD
EOF
cutover_rows pl pf "\`pg_dump\` of the source"
row pgc "pgcopydb $PGCOPYDB_VERSION, clone" "schema by \`pg_dump\`/\`pg_restore\`, COPY of 2 tables at a time, indexes and constraints 2 at a time, \`VACUUM ANALYZE\` of each table, sequences; target: ${R[pgc.shape]}"
cat <<EOF

### Targets and ratios

The issue's targets are set for the 5M set; at another size the last column only says how this run
compares. The pgloader baseline is its defaults, or the prefetch run when the defaults fail
(this run: $(name_of "$PGL_BASE")). Ratios are wall / wall; below 1 means Cutover took less time.

| target (issue 3) | limit | measured | met |
| --- | --- | --- | --- |
EOF
if (( RUN_LIKE )); then
    target_row "SQLite → PostgreSQL, like-for-like / pgloader" "≤ 0.40" "<=" 0.40 "$(wall_ratio sl "$PGL_BASE")" "$(name_of "$PGL_BASE")"
else
    target_row "SQLite → PostgreSQL, like-for-like / pgloader" "≤ 0.40" "<=" 0.40 "not run" \
        "copy phase of the whole run alone / $(name_of "$PGL_BASE"): $( [[ "${R[sf.ok]}" == 1 && "${R[$PGL_BASE.ok]}" == 1 ]] && ratio "${R[sf.copy]}" "${R[$PGL_BASE.wall]}" || echo "—")"
fi
target_row "SQLite → PostgreSQL, with full verification / pgloader" "≤ 0.60" "<=" 0.60 "$(wall_ratio sf "$PGL_BASE")" "$(name_of "$PGL_BASE")"
if (( RUN_LIKE )); then
    target_row "PostgreSQL → PostgreSQL, like-for-like / pgcopydb" "≤ 1.00" "<=" 1.00 "$(wall_ratio pl pgc)"
else
    target_row "PostgreSQL → PostgreSQL, like-for-like / pgcopydb" "≤ 1.00" "<=" 1.00 "not run" "whole default run / pgcopydb: $(wall_ratio pf pgc)"
fi
target_row "peak RSS, every Cutover run" "< $RSS_BUDGET_MB MB" "<" "$RSS_BUDGET_MB" "$MAX_RSS" "MB, $(name_of "$MAX_RSS_RUN"), $( [[ "$MAX_RSS_RUN" == s* ]] && echo "SQLite → PostgreSQL" || echo "PostgreSQL → PostgreSQL")"
cat <<EOF

| ratio | like-for-like | whole default run |
| --- | --- | --- |
| Cutover / pgloader defaults (SQLite → PostgreSQL) | $(wall_ratio sl pgl) | $(wall_ratio sf pgl) |
| Cutover / pgloader prefetch rows = 10000 | $(wall_ratio sl pglp) | $(wall_ratio sf pglp) |
| Cutover / the floor | $(wall_ratio sl floor) | $(wall_ratio sf floor) |
| Cutover / pgcopydb (PostgreSQL → PostgreSQL) | $(wall_ratio pl pgc) | $(wall_ratio pf pgc) |

pgloader / the floor: defaults $(wall_ratio pgl floor), prefetch rows = 10000 $(wall_ratio pglp floor).
pgloader and pgcopydb take no backup and verify nothing; Cutover's like-for-like run is the one to
compare with them, its whole default run the one a user waits for.

| | |
| --- | --- |
| date | $NOW |
| machine | $(machine_line); load average at start $LOAD_AT_START |
| commit | $COMMIT |
| .NET SDK | $SDK |
| Cutover features found | $FEATURES |
| PostgreSQL | $PG_VERSION (throwaway server on port $PG_PORT) |
| pgloader | $PGLOADER_VERSION (Debian package) |
| pgcopydb | $PGCOPYDB_VERSION (Debian package) |
| roles | \`$PG_USER\` for every load (its password from \`PGPASSWORD\`; Cutover's plans hold it URL-encoded in their URIs, shown as \`***\`); the superuser \`$PG_SUPERUSER\` only for the \`CHECKPOINT\` between runs |
| Cutover plans | \`$OUT_DIR/bench-pg-{sqlite,pg}-{like,full}.yaml\`: sessions, agents, events copied by \`id\`, \`batch_size: 5000\`; targets like \`$(shown_cutover_uri bench_cutover_full)\` |
EOF
} >"$SECTION"

write_section "$HEADING" "$SECTION" "$LEGACY_HEADING"

summary() { printf '%-34s wall %8s s  RSS %7s MB  %s\n' "$1" "${R[$2.wall]:-—}" "${R[$2.rss]:-—}" "${R[$2.result]:-not run}"; }
echo "rows: $SRC_TOTAL; Cutover features: $FEATURES"
summary "sqlite->pg cutover like-for-like" sl
summary "sqlite->pg cutover whole run" sf
summary "sqlite->pg pgloader defaults" pgl
summary "sqlite->pg pgloader prefetch" pglp
summary "sqlite->pg floor" floor
summary "pg->pg cutover like-for-like" pl
summary "pg->pg cutover whole run" pf
summary "pg->pg pgcopydb" pgc
echo "-> $DOCS"
if awk -v m="$MAX_RSS" -v b="$RSS_BUDGET_MB" 'BEGIN { exit !(m > b) }'; then
    echo "WARNING: peak RSS $MAX_RSS MB ($(name_of "$MAX_RSS_RUN")) is over the $RSS_BUDGET_MB MB budget (issue 3)" >&2
fi
