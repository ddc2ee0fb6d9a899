#!/usr/bin/env bash
# Zero-downtime benchmark (issue 4): the whole live life cycle of one table while an application writes
# at a steady rate, and how long it waits.
#
# One table items(id, name, qty, price) of ROWS rows on the source (SQLite in WAL mode, or a database
# on a throwaway PostgreSQL 15). The application stand-in, tests/Cutover.Writer, inserts, updates and
# deletes RATE times a second (every tenth write a two-statement transaction) on whichever store the
# control state names authoritative, from before the copy to the end, logging every write it saw
# acknowledged. Meanwhile, one after the other:
#
#   cutover migrate --json           capture: triggers (installed before the copy), backup: none,
#                                    cutover: { verify: counts }; the copy time
#   cutover sync --json              catches up with what was written during the copy
#   cutover sync --follow --json     under GNU time (peak RSS), for FOLLOW seconds: forward lag from
#                                    its 10-second window lines, the first (warm-up) left out
#   cutover cutover --json           while the follower runs (it steps aside and then follows the
#                                    reverse direction by itself): write_pause_ms
#   writes on the target             until the follower's first reverse window line (10 s): reverse lag
#   cutover rollback --json          back to the source: write_pause_ms
#   stop the writer and the follower, a final cutover sync --json
#
# then checks that the two stores are identical (row count and a SHA-256 of every row in key order,
# read by a query on each side) and that every write the application saw acknowledged is there (the
# last row the writer wrote for every id it touched, or no row when it last deleted it). The section
# for this engine, size and rate in docs/BENCHMARKS.md is replaced; other sections are kept.
#
#   bench/zero-downtime.sh                          # SQLite -> SQLite, 1M rows, 500 writes/s, 60 s following
#   ENGINE=postgres bench/zero-downtime.sh          # PostgreSQL -> PostgreSQL, two databases on one server
#   ROWS=20000 FOLLOW=15 bench/zero-downtime.sh     # a quick run
#   RATE=1000 bench/zero-downtime.sh                # another write rate (gets its own section)
#
# Needs: dotnet, sqlite3, python3, jq or python3, GNU time at /usr/bin/time (installed with apt-get
# when missing and running as root); for ENGINE=postgres also PostgreSQL 15 server binaries and psql
# (scripts/services/postgres.sh, with an env file of its own, stopped on exit).
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup
ENGINE="${ENGINE:-sqlite}"
RATE="${RATE:-500}"
FOLLOW="${FOLLOW:-60}"
# How long to wait at most for the follower's first reverse window line (it needs 10 s of reverse following).
REVERSE_WAIT="${REVERSE_WAIT:-40}"
[[ "$RATE" =~ ^[1-9][0-9]*$ ]] || die "RATE must be a positive integer (writes per second), got '$RATE'"
[[ "$FOLLOW" =~ ^[1-9][0-9]*$ ]] || die "FOLLOW must be a positive integer (seconds), got '$FOLLOW'"
case "$ENGINE" in
    sqlite) ENGINE_NAME=SQLite ;;
    postgres) ENGINE_NAME=PostgreSQL ;;
    *) die "ENGINE must be sqlite or postgres, got '$ENGINE'" ;;
esac
# The targets of issue 4.
LAG_P99_LIMIT_MS=100
PAUSE_LIMIT_MS=2000

HEADING="## Zero downtime, $ENGINE_NAME, $LABEL_UPPER rows, $RATE writes/s (issue 4)"
WORK="$OUT_DIR/zd-$ENGINE"
PLAN="$WORK/plan.yaml"
PLAN_NAME="zd-$ENGINE"
WRITER_DLL="tests/Cutover.Writer/bin/Release/net10.0/cutover-writer.dll"
CLI=(dotnet "$CLI_DLL")

# --- prerequisites -----------------------------------------------------------------------------

command -v python3 >/dev/null || die "need python3 to check the writer's acknowledged writes"
command -v sqlite3 >/dev/null || apt_install sqlite3 || true
command -v sqlite3 >/dev/null || die "sqlite3 is required (it generates the table). Install it: sudo apt-get install -y sqlite3"
require_gnu_time
if [[ "$ENGINE" == postgres ]]; then
    command -v psql >/dev/null || die "psql is not on PATH. Install it: sudo apt-get install -y postgresql-15"
fi
LOAD_AT_START="$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo unknown)"

# --- background processes and the throwaway server: stopped on every exit ------------------------

WRITER_PID=""
FOLLOW_TIME_PID=""
PG_TMP=""
SECTION=""
# stop_pid PID SECONDS -> waits for PID to end; returns 1 when it is still running after SECONDS.
stop_pid() {
    local pid="$1" limit="$2" i
    for ((i = 0; i < limit * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    ! kill -0 "$pid" 2>/dev/null
}
# timed_child PID -> the process GNU time (PID) runs; signals go to it: time ignores SIGINT and would leave it
# running on SIGTERM.
timed_child() { pgrep -P "$1" 2>/dev/null | head -n 1; }
# stop_timed PID -> SIGTERM to what GNU time (PID) runs, SIGKILL after 5 s, then time itself.
stop_timed() {
    local pid
    kill -0 "$1" 2>/dev/null || return 0
    pid="$(timed_child "$1" || true)"
    if [[ -n "$pid" ]]; then
        kill "$pid" 2>/dev/null || true
        stop_pid "$pid" 5 || kill -9 "$pid" 2>/dev/null || true
    fi
    stop_pid "$1" 5 || kill -9 "$1" 2>/dev/null || true
}
cleanup() {
    [[ -z "$WRITER_PID" ]] || stop_timed "$WRITER_PID"
    [[ -z "$FOLLOW_TIME_PID" ]] || stop_timed "$FOLLOW_TIME_PID"
    if [[ -n "$PG_TMP" ]]; then
        scripts/services/postgres.sh stop >/dev/null 2>&1 || true
        rm -rf "$PG_TMP"
    fi
    [[ -z "$SECTION" ]] || rm -f "$SECTION"
}
trap cleanup EXIT

# --- build ---------------------------------------------------------------------------------------

build_cli
log "building the writer (Release)"
dotnet build -c Release tests/Cutover.Writer -nologo -v quiet >&2
[[ -f "$WRITER_DLL" ]] || die "build succeeded but $WRITER_DLL is missing"

# --- the stores ----------------------------------------------------------------------------------

rm -rf "$WORK"
mkdir -p "$WORK"
WORK_ABS="$(cd "$WORK" && pwd)"
# Seed rows: deterministic, about the size of the rows the writer writes.
SEED_NAME="'item-' || i || '-' || (i * 7919 % 1000)"
SEED_QTY="(i * 7) % 100000 - 50000"
SEED_PRICE="ROUND(i / 3.0, 2)"

if [[ "$ENGINE" == sqlite ]]; then
    SOURCE_FILE="$WORK/app.db"
    TARGET_FILE="$WORK/app_v2.db"
    log "generating $SOURCE_FILE: items, $(fmt "$ROWS") rows, WAL"
    sqlite3 "$SOURCE_FILE" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL, price REAL);
WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $ROWS)
INSERT INTO items (id, name, qty, price) SELECT i, $SEED_NAME, $SEED_QTY, $SEED_PRICE FROM g;
SQL
    # An empty target in WAL mode too: the application writes there after the cut-over (Cutover gives a file its
    # own journal mode back when it is done loading it).
    sqlite3 "$TARGET_FILE" "PRAGMA journal_mode = WAL;" >/dev/null
    SOURCE_URI="sqlite:./app.db"
    TARGET_URI="sqlite:./app_v2.db"
    SHOWN_SOURCE="$SOURCE_URI"; SHOWN_TARGET="$TARGET_URI"
    WRITER_SOURCE="Data Source=$WORK_ABS/app.db"
    WRITER_TARGET="Data Source=$WORK_ABS/app_v2.db"
    ENGINE_DETAIL="SQLite $(sqlite3 --version | cut -d ' ' -f 1) (sqlite3 CLI; Cutover and the writer use Microsoft.Data.Sqlite's bundled SQLite), both files in WAL mode"
    # store_sql SIDE SQL -> unaligned rows, fields separated by the unit separator (0x1f).
    store_sql() {
        local file="$SOURCE_FILE"
        [[ "$1" == source ]] || file="$TARGET_FILE"
        sqlite3 -readonly -batch -noheader -separator $'\x1f' "$file" "$2"
    }
    PRICE_TEXT="CASE WHEN price IS NULL THEN '' ELSE printf('%!.17g', price) END"
else
    PG_TMP="$(mktemp -d "${TMPDIR:-/tmp}/cutover-bench-zd.XXXXXX")"
    export CUTOVER_PG_ENV_FILE="$PG_TMP/pg.env"
    log "starting a throwaway PostgreSQL 15"
    scripts/services/postgres.sh start >/dev/null
    # shellcheck disable=SC1090
    . "$CUTOVER_PG_ENV_FILE"
    PG_PORT="$CUTOVER_PG_PORT"
    PG_USER=cutover
    # The password reaches psql and the writer (Npgsql) through PGPASSWORD only, so no command line holds it.
    PGPASSWORD="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote(urllib.parse.urlsplit(sys.argv[1]).password))' "$CUTOVER_TEST_PG")"
    export PGPASSWORD
    # Cutover's plan carries it URL-encoded in its URIs (the documented form; Cutover shows it as ***).
    PG_PASSWORD_ENC="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PGPASSWORD")"
    PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER")
    psql_in() { "${PSQL[@]}" -d "$1" -tAc "$2"; }
    SOURCE_DBNAME=zd_source
    TARGET_DBNAME=zd_target
    for db in "$SOURCE_DBNAME" "$TARGET_DBNAME"; do
        psql_in cutover_test "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
        psql_in cutover_test "CREATE DATABASE $db" >/dev/null
    done
    log "generating $SOURCE_DBNAME.items: $(fmt "$ROWS") rows"
    "${PSQL[@]}" -d "$SOURCE_DBNAME" >/dev/null <<SQL
CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, qty bigint NOT NULL, price double precision);
INSERT INTO items (id, name, qty, price) SELECT i, $SEED_NAME, $SEED_QTY, $SEED_PRICE FROM generate_series(1::bigint, $ROWS) AS g(i);
VACUUM (ANALYZE) items;
SQL
    cutover_uri() { printf 'postgresql://%s:%s@127.0.0.1:%s/%s' "$PG_USER" "$PG_PASSWORD_ENC" "$PG_PORT" "$1"; }
    SOURCE_URI="$(cutover_uri "$SOURCE_DBNAME")"
    TARGET_URI="$(cutover_uri "$TARGET_DBNAME")"
    SHOWN_SOURCE="postgresql://$PG_USER:***@127.0.0.1:$PG_PORT/$SOURCE_DBNAME"
    SHOWN_TARGET="postgresql://$PG_USER:***@127.0.0.1:$PG_PORT/$TARGET_DBNAME"
    WRITER_SOURCE="Host=127.0.0.1;Port=$PG_PORT;Username=$PG_USER;Database=$SOURCE_DBNAME"
    WRITER_TARGET="Host=127.0.0.1;Port=$PG_PORT;Username=$PG_USER;Database=$TARGET_DBNAME"
    PG_VERSION="$(psql_in cutover_test 'SHOW server_version')"
    ENGINE_DETAIL="PostgreSQL ${PG_VERSION%% *}, two databases on one throwaway server (scripts/services/postgres.sh: 127.0.0.1, fsync=off, synchronous_commit=off, full_page_writes=off, wal_level=logical)"
    store_sql() {
        local db="$SOURCE_DBNAME"
        [[ "$1" == source ]] || db="$TARGET_DBNAME"
        "${PSQL[@]}" -d "$db" -tA -F $'\x1f' -c "$2"
    }
    # PostgreSQL 12+ prints float8 in the shortest form that reads back exactly.
    PRICE_TEXT="price::text"
fi

cat >"$PLAN" <<EOF
name: $PLAN_NAME
source: $SOURCE_URI
target: $TARGET_URI
batch_size: 5000
backup: none
capture: triggers
cutover: { verify: counts }
entities:
  - table: items
    key: id
EOF
chmod 600 "$PLAN"

# --- the writer, from before the copy to the end --------------------------------------------------

WRITER_LOG="$WORK/writer.log"
WRITER_MODEL="$WORK/writer.model.json"
WRITER_STOP="$WORK/writer.stop"
WRITER_CMD=(dotnet "$WRITER_DLL" --plan "$PLAN" --source "$WRITER_SOURCE" --target "$WRITER_TARGET" --engine "$ENGINE"
    --rate "$RATE" --log "$WRITER_LOG" --model "$WRITER_MODEL" --stop-file "$WRITER_STOP"
    --seed-max-id "$ROWS" --first-id "$((ROWS + 1))")
# CPU used on the machine from here to the final sync, against what this run's processes used (the GNU time
# reports, and the PostgreSQL server's processes): what is left was used by something else.
cpu_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
# pg_server_jiffies -> CPU of the throwaway server: the postmaster and the backends it has reaped, plus the live ones.
pg_server_jiffies() {
    [[ -n "${CUTOVER_PG_PID:-}" && -r "/proc/$CUTOVER_PG_PID/stat" ]] || { echo 0; return; }
    local total child
    total="$(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$CUTOVER_PG_PID/stat")"
    for child in $(pgrep -P "$CUTOVER_PG_PID" 2>/dev/null || true); do
        total=$((total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$child/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}
CPU_AT_START="$(cpu_jiffies)"
PG_CPU_AT_START="$(pg_server_jiffies)"
RUN_STARTED_NS="$(date +%s%N)"

log "starting the writer: $RATE writes/s on the authoritative store"
/usr/bin/time -v -o "$WORK/writer.time" "${WRITER_CMD[@]}" >"$WORK/writer.stdout" 2>"$WORK/writer.stderr" &
WRITER_PID=$!
writer_alive() { kill -0 "$WRITER_PID" 2>/dev/null; }

# step NAME ARGS... -> one timed cutover command, outputs in $WORK/NAME.{stdout,stderr,time}; stops the script
# (after the writer's and the store's last lines) when it fails.
step() {
    local name="$1"; shift
    log "cutover $*"
    time_run "$WORK/$name" "${CLI[@]}" "$@"
    if (( RC != 0 )); then
        echo "cutover $* exited $RC; last lines of $WORK/$name.stderr and .stdout:" >&2
        tail -n 20 "$WORK/$name.stderr" "$WORK/$name.stdout" >&2 || true
        writer_alive || { echo "the writer is not running; its stderr:" >&2; tail -n 20 "$WORK/writer.stderr" >&2 || true; }
        exit "$RC"
    fi
}
# jget FILE EXPR -> one value from a JSON document (jq syntax; python3 handles the plain paths used here).
jget() {
    if command -v jq >/dev/null; then
        jq -r "$2" "$1"
    else
        python3 - "$1" "$2" <<'PY'
import json, re, sys
v = json.load(open(sys.argv[1], encoding="utf-8"))
for part in re.findall(r'\.([A-Za-z_0-9]+)|\[(\d+)\]', sys.argv[2]):
    v = v[part[0]] if part[0] else v[int(part[1])]
print("null" if v is None else v)
PY
    fi
}
# steps_text FILE -> "freeze 3 ms, drain 12 ms, ..." from a hand-over's --json.
steps_text() {
    python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print(", ".join(f'{s["step"]} {s["ms"]:.0f} ms' for s in d.get("steps") or []))
PY
}

# 1. The copy, with capture installed first.
step migrate migrate "$PLAN" --json
MIGRATE_WALL="$WALL_S"
COPY_S="$(secs "$(migrate_json "$WORK/migrate.stdout" copy_seconds)")"
writer_alive || die "the writer stopped during the copy; see $WORK/writer.stderr"

# 2. Catch up with what was written during the copy.
step catchup sync "$PLAN" --json
CATCHUP_WALL="$WALL_S"
CATCHUP_CHANGES="$(jget "$WORK/catchup.stdout" .changes)"

# 3. Follow for FOLLOW seconds, under GNU time for the follower's peak RSS.
FOLLOW_OUT="$WORK/follow"
FOLLOW_CMD=("${CLI[@]}" sync "$PLAN" --follow --json)
log "cutover sync $PLAN --follow --json, for $FOLLOW s"
/usr/bin/time -v -o "$FOLLOW_OUT.time" "${FOLLOW_CMD[@]}" >"$FOLLOW_OUT.stdout" 2>"$FOLLOW_OUT.stderr" &
FOLLOW_TIME_PID=$!
follower_alive() { kill -0 "$FOLLOW_TIME_PID" 2>/dev/null; }
sleep "$FOLLOW"
follower_alive || { tail -n 20 "$FOLLOW_OUT.stderr" >&2; die "the follower stopped on its own; see $FOLLOW_OUT.stderr"; }
writer_alive || die "the writer stopped; see $WORK/writer.stderr"
# window_lines DIRECTION -> the follower's 10-second window lines so far: "changes p50 p99 max" per line.
window_lines() {
    sed -n "s/^.*sync $1: \([0-9]*\) changes in the last [0-9.]*s; lag p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms, max \([0-9.]*\) ms.*$/\1 \2 \3 \4/p" "$FOLLOW_OUT.stderr"
}
FORWARD_WINDOWS="$(window_lines forward)"

# 4. The cut-over, while the follower runs.
step cutover cutover "$PLAN" --json
CUT_PAUSE="$(jget "$WORK/cutover.stdout" .write_pause_ms)"
CUT_STEPS="$(steps_text "$WORK/cutover.stdout")"
CUT_DRAINED="$(jget "$WORK/cutover.stdout" .changes_drained)"
CUT_VERIFY_MS="$(python3 -c 'import json, sys; print(next((s["ms"] for s in json.load(open(sys.argv[1]))["steps"] if s["step"] == "verify"), ""))' "$WORK/cutover.stdout")"

# 5. Writes on the target, flowing back, until the follower has reported one 10-second reverse window.
log "writes on the target; waiting for the follower's first reverse window line (at most $REVERSE_WAIT s)"
REVERSE_STARTED_NS="$(date +%s%N)"
while [[ -z "$(window_lines reverse)" ]] && (( ($(date +%s%N) - REVERSE_STARTED_NS) / 1000000000 < REVERSE_WAIT )); do
    follower_alive || { tail -n 20 "$FOLLOW_OUT.stderr" >&2; die "the follower stopped after the cut-over; see $FOLLOW_OUT.stderr"; }
    sleep 0.2
done
REVERSE_WINDOWS="$(window_lines reverse)"
REVERSE_S="$(awk -v a="$REVERSE_STARTED_NS" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
[[ -n "$REVERSE_WINDOWS" ]] || log "no reverse window line after $REVERSE_WAIT s; rolling back anyway"

# 6. Back to the source.
step rollback rollback "$PLAN" --json
BACK_PAUSE="$(jget "$WORK/rollback.stdout" .write_pause_ms)"
BACK_STEPS="$(steps_text "$WORK/rollback.stdout")"

# 7. Stop the writer, then the follower (after a moment to apply the writer's last writes), then a final sync.
sleep 2
log "stopping the writer"
: >"$WRITER_STOP"
stop_pid "$WRITER_PID" 60 || die "the writer did not stop within 60 s"
writer_alive() { false; }
set +e; wait "$WRITER_PID"; WRITER_RC=$?; set -e
WRITER_PID=""
(( WRITER_RC == 0 )) || { tail -n 20 "$WORK/writer.stderr" >&2; die "the writer exited $WRITER_RC; see $WORK/writer.stderr"; }
WRITER_SUMMARY="$WORK/writer.summary.json"
tail -n 1 "$WORK/writer.stdout" >"$WRITER_SUMMARY"
sleep 1
log "stopping the follower (SIGTERM)"
FOLLOWER_DOTNET="$(timed_child "$FOLLOW_TIME_PID" || true)"
[[ -n "$FOLLOWER_DOTNET" ]] || die "the follower is gone before it was stopped; see $FOLLOW_OUT.stderr"
kill -TERM "$FOLLOWER_DOTNET"
stop_pid "$FOLLOW_TIME_PID" 30 || die "the follower did not stop within 30 s of SIGTERM"
set +e; wait "$FOLLOW_TIME_PID"; FOLLOW_RC=$?; set -e
FOLLOW_TIME_PID=""
# cpu_of FILE -> user + system seconds from a GNU time report.
cpu_of() { awk -F': ' '/^[[:space:]]*(User|System) time \(seconds\)/ { s += $2 } END { printf "%.1f", s }' "$1"; }
FOLLOW_RSS_MB="$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): \([0-9]*\)$/\1/p' "$FOLLOW_OUT.time" | awk '{ printf "%.1f", $1 / 1024 }')"
[[ -n "$FOLLOW_RSS_MB" ]] || die "could not read the follower's peak RSS from $FOLLOW_OUT.time"
(( FOLLOW_RC == 0 )) || log "the follower exited $FOLLOW_RC after SIGTERM (see $FOLLOW_OUT.stderr)"

step final sync "$PLAN" --json
FINAL_CHANGES="$(jget "$WORK/final.stdout" .changes)"

CPU_AT_END="$(cpu_jiffies)"
WRITER_CPU="$(cpu_of "$WORK/writer.time")"
FOLLOW_CPU="$(cpu_of "$FOLLOW_OUT.time")"
PG_CPU_AT_END="$(pg_server_jiffies)"
RUN_WALL="$(awk -v a="$RUN_STARTED_NS" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
HZ="$(getconf CLK_TCK)"
# User + system seconds of every process this run timed (the writer, the follower, each cutover command).
OWN_CPU="$(cat "$WORK"/*.time | awk -F': ' '/^[[:space:]]*(User|System) time \(seconds\)/ { s += $2 } END { printf "%.1f", s }')"
MACHINE_CPU="$(awk -v a="$CPU_AT_START" -v b="$CPU_AT_END" -v hz="$HZ" 'BEGIN { printf "%.1f", (b - a) / hz }')"
PG_CPU="$(awk -v a="$PG_CPU_AT_START" -v b="$PG_CPU_AT_END" -v hz="$HZ" 'BEGIN { printf "%.1f", (b - a) / hz }')"
OTHER_CPU="$(awk -v m="$MACHINE_CPU" -v o="$OWN_CPU" -v p="$PG_CPU" 'BEGIN { v = m - o - p; printf "%.1f", (v > 0 ? v : 0) }')"
OTHER_PCT="$(awk -v c="$OTHER_CPU" -v w="$RUN_WALL" -v n="$(nproc)" 'BEGIN { printf "%.0f", (w > 0 ? 100 * c / (w * n) : 0) }')"

# --- checks ----------------------------------------------------------------------------------------

log "checking both stores: counts, checksums, every acknowledged write"
ROWS_SQL="SELECT id, name, qty, $PRICE_TEXT FROM items ORDER BY id"
store_sql source "$ROWS_SQL" >"$WORK/source.rows"
store_sql target "$ROWS_SQL" >"$WORK/target.rows"
SOURCE_COUNT="$(store_sql source "SELECT COUNT(*) FROM items")"
TARGET_COUNT="$(store_sql target "SELECT COUNT(*) FROM items")"
SOURCE_SUM="$(sha256sum <"$WORK/source.rows" | cut -c 1-64)"
TARGET_SUM="$(sha256sum <"$WORK/target.rows" | cut -c 1-64)"

# The writer's figures, the application's pauses around each switch (from its log) and the check of every
# acknowledged write against both stores. Prints shell assignments.
CHECK_VARS="$(python3 - "$WRITER_SUMMARY" "$WRITER_LOG" "$WRITER_MODEL" "$WORK/source.rows" "$WORK/target.rows" <<'PY'
import json, shlex, sys
summary = json.load(open(sys.argv[1], encoding="utf-8"))
out = {k: summary[k] for k in ("acked", "refused", "retried_busy", "on_source", "on_target", "seconds", "max_gap_ms", "live_rows")}

# Gaps the application saw: between its last acknowledged write on one store and its first on the other.
switches, prev, last_op = [], None, {}
with open(sys.argv[2], encoding="utf-8") as f:
    for line in f:
        e = json.loads(line)
        if prev is not None and e["store"] != prev["store"]:
            switches.append((prev["store"], e["store"], e["at_ms"] - prev["at_ms"]))
        prev = e
        last_op[e["id"]] = e
cut = [g for a, b, g in switches if a == "source" and b == "target"]
back = [g for a, b, g in switches if a == "target" and b == "source"]
out["switches"] = len(switches)
out["cut_gap_ms"] = f"{cut[0]:.1f}" if cut else ""
out["back_gap_ms"] = f"{back[0]:.1f}" if back else ""

model = {e["id"]: e["row"] for e in json.load(open(sys.argv[3], encoding="utf-8"))}
# The log's last write of each id must be the model's row: the two records of the writer agree.
def agrees(i, e):
    if i not in model:
        return False
    row = model[i]
    if e["op"] == "delete":
        return row is None
    return row is not None and (row["Name"], row["Qty"], row["Price"]) == (e["name"], e["qty"], e["price"])
out["log_model_mismatch"] = sum(1 for i, e in last_op.items() if not agrees(i, e)) + len(model.keys() - last_op.keys())
out["touched"] = len(model)

def check(path):
    missing = wrong = present_deleted = 0
    seen = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            id_s, name, qty, price = line.rstrip("\n").split("\x1f")
            i = int(id_s)
            if i not in model:
                continue
            seen.add(i)
            row = model[i]
            if row is None:
                present_deleted += 1
            elif (name, int(qty), float(price) if price != "" else None) != (row["Name"], row["Qty"], row["Price"]):
                wrong += 1
    missing = sum(1 for i, row in model.items() if row is not None and i not in seen)
    return missing, wrong, present_deleted
for side, path in (("source", sys.argv[4]), ("target", sys.argv[5])):
    m, w, d = check(path)
    out[f"{side}_missing"], out[f"{side}_wrong"], out[f"{side}_undeleted"] = m, w, d
for k, v in out.items():
    print(f"W_{k.upper()}={shlex.quote(str(v))}")
PY
)"
eval "$CHECK_VARS"

PROBLEMS=()
[[ "$SOURCE_COUNT" == "$TARGET_COUNT" ]] || PROBLEMS+=("row counts differ: source $SOURCE_COUNT, target $TARGET_COUNT")
[[ "$SOURCE_COUNT" == "$W_LIVE_ROWS" ]] || PROBLEMS+=("the source holds $SOURCE_COUNT rows, the writer's model $W_LIVE_ROWS")
[[ "$SOURCE_SUM" == "$TARGET_SUM" ]] || PROBLEMS+=("checksums differ: source $SOURCE_SUM, target $TARGET_SUM")
for side in SOURCE TARGET; do
    m="W_${side}_MISSING"; w="W_${side}_WRONG"; d="W_${side}_UNDELETED"
    (( ${!m} + ${!w} + ${!d} == 0 )) || PROBLEMS+=("${side,,}: ${!m} acknowledged rows missing, ${!w} not as last written, ${!d} deleted rows still there")
done
(( W_LOG_MODEL_MISMATCH == 0 )) || PROBLEMS+=("the writer's log and model disagree on $W_LOG_MODEL_MISMATCH ids")
(( W_ON_TARGET > 0 )) || PROBLEMS+=("no write was acknowledged on the target")
[[ -n "$W_CUT_GAP_MS" && -n "$W_BACK_GAP_MS" ]] || PROBLEMS+=("the writer's log shows $W_SWITCHES switches of store, expected 2")
if (( ${#PROBLEMS[@]} == 0 )); then
    END_STATE="identical: $(fmt "$SOURCE_COUNT") rows on each side, the same SHA-256 of every row in key order (\`${SOURCE_SUM:0:16}…\`); all $(fmt "$W_TOUCHED") ids the writer touched hold its last acknowledged row on both sides (or no row, when it last deleted it)"
else
    END_STATE="**NOT identical or incomplete**: $(IFS=';'; echo "${PROBLEMS[*]}" | sed 's/;/; /g')"
fi

# --- figures ---------------------------------------------------------------------------------------

# windows_summary LINES SKIP_FIRST -> "P50 P99 MAX COUNT CHANGES": the median of the window p50s, the max of
# their p99s and maxes, over the windows kept (the first left out when SKIP_FIRST is 1 and there are two or more).
windows_summary() {
    printf '%s\n' "$1" | awk -v skip="$2" '
        NF == 4 { n++; c[n] = $1; p50[n] = $2; p99[n] = $3; mx[n] = $4 }
        END {
            first = (skip && n >= 2) ? 2 : 1
            k = 0; changes = 0; q = 0; m = 0
            for (i = first; i <= n; i++) {
                k++; v[k] = p50[i]; changes += c[i]
                if (p99[i] > q) q = p99[i]
                if (mx[i] > m) m = mx[i]
            }
            if (k == 0) { print "- - - 0 0"; exit }
            for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
            med = (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
            printf "%g %g %g %d %d\n", med, q, m, k, changes
        }'
}
read -r FWD_P50 FWD_P99 FWD_MAX FWD_N FWD_CHANGES <<<"$(windows_summary "$FORWARD_WINDOWS" 1)"
read -r REV_P50 REV_P99 REV_MAX REV_N REV_CHANGES <<<"$(windows_summary "$REVERSE_WINDOWS" 0)"
FWD_WARMUP_P99="$(printf '%s\n' "$FORWARD_WINDOWS" | awk 'NF == 4 { print $3; exit }')"
FWD_TOTAL_WINDOWS="$(printf '%s\n' "$FORWARD_WINDOWS" | grep -c . || true)"
FWD_ALL="$(printf '%s\n' "$FORWARD_WINDOWS" | awk 'NF == 4 { printf "%s%s/%s", (n++ ? ", " : ""), $2, $3 }')"
REV_ALL="$(printf '%s\n' "$REVERSE_WINDOWS" | awk 'NF == 4 { printf "%s%s/%s", (n++ ? ", " : ""), $2, $3 }')"

# The follower's own totals per direction (--json at exit): every change it applied, warm-up included.
FOLLOW_RUNS="$(python3 - "$FOLLOW_OUT.stdout" <<'PY' 2>/dev/null || true
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print("; ".join(f'{r["direction"]}: {r["changes"]:,} changes, p50 {r["lag_p50_ms"]:g} / p99 {r["lag_p99_ms"]:g} / max {r["lag_max_ms"]:g} ms'
                for r in d["runs"] if r["changes"] > 0))
PY
)"
[[ -n "$FOLLOW_RUNS" ]] || FOLLOW_RUNS="(no --json document: the follower exited $FOLLOW_RC)"

WRITES_PER_S="$(awk -v a="$W_ACKED" -v s="$W_SECONDS" 'BEGIN { printf "%.1f", (s > 0 ? a / s : 0) }')"
# verdict MEASURED LIMIT -> met / NOT met / not measured
verdict() {
    if [[ "$1" =~ ^[0-9.]+$ ]]; then
        if awk -v m="$1" -v l="$2" 'BEGIN { exit !(m < l) }'; then echo "met"; else echo "**NOT met**"; fi
    else
        echo "not measured"
    fi
}
ms() { [[ "$1" =~ ^[0-9.]+$ ]] && awk -v v="$1" 'BEGIN { printf "%.0f ms", v }' || printf '—'; }

# contention_sentence -> what the other processes on the machine did to this run.
contention_sentence() {
    if (( OTHER_PCT >= 10 )); then
        printf 'Other processes used %s%% of the machine during this run (%s s of CPU): the writer, the\nsync and the stores competed with them for the cores, so the p99, the max and the pauses here say as\nmuch about that load as about Cutover.' "$OTHER_PCT" "$OTHER_CPU"
    else
        printf 'Other processes used %s%% of the machine during this run: it was otherwise quiet.' "$OTHER_PCT"
    fi
}

machine_facts
SETTINGS=""
[[ "$ENGINE" == sqlite ]] || SETTINGS="ENGINE=$ENGINE "
[[ "$ROWS" == 1000000 ]] || SETTINGS="${SETTINGS}ROWS=$ROWS "
[[ "$RATE" == 500 ]] || SETTINGS="${SETTINGS}RATE=$RATE "
[[ "$FOLLOW" == 60 ]] || SETTINGS="${SETTINGS}FOLLOW=$FOLLOW "
COMMAND="${SETTINGS}bench/zero-downtime.sh"
FWD_HOW="the median of the window p50s and the largest window p99 over $FWD_N of the follower's $FWD_TOTAL_WINDOWS ten-second window lines before the cut-over ($(fmt "$FWD_CHANGES") changes)$( (( FWD_TOTAL_WINDOWS >= 2 )) && printf ', the first (warm-up) left out' || printf ', the only one, warm-up included'); every window p50/p99 in ms: $FWD_ALL"
REV_HOW="the follower's first ten-second window line in the reverse direction ($(fmt "$REV_CHANGES") changes, the first moments after the switch included), after ${REVERSE_S} s of writes on the target; p50/p99: ${REV_ALL:-none}"

SECTION="$(mktemp)"
cat >"$SECTION" <<EOF
$HEADING

Written by \`bench/zero-downtime.sh\`$( [[ -z "$SETTINGS" ]] || printf ' (`%s`)' "${SETTINGS% }" ); run it again to refresh this section.
The application stand-in (\`tests/Cutover.Writer\`) writes $RATE times a second to whichever store the
control state names authoritative (45% inserts, 40% updates, 15% deletes; every tenth write a
two-statement transaction; a write refused with \`WRITES_FROZEN\` is retried after 5 ms), from before
the copy to the end, while the script runs \`cutover migrate\` (capture by triggers, installed before
the copy), \`cutover sync\` (catch up), \`cutover sync --follow\` for $FOLLOW s, \`cutover cutover\` with the
follower still running (it steps aside, then follows the writes on the target back by itself), writes
on the target for one ten-second window, \`cutover rollback\`, then stops the writer and the follower
and runs a final \`cutover sync\`. Lag is the follower's: from the trigger recording a change on one
store to sync committing it on the other.

| | |
| --- | --- |
| date | $NOW |
| machine | $(machine_line); load average at start $LOAD_AT_START |
| commit | $COMMIT |
| .NET SDK | $SDK |
| command (repo root) | \`$COMMAND\` |
| stores | $ENGINE_DETAIL; \`$SHOWN_SOURCE\` → \`$SHOWN_TARGET\` |
| plan | \`$PLAN\`: \`items\` by \`id\`, \`batch_size: 5000\`, \`backup: none\`, \`capture: triggers\`, \`cutover: { verify: counts }\` |
| steps | \`cutover migrate $PLAN --json\`; \`cutover sync $PLAN --json\`; \`/usr/bin/time -v cutover sync $PLAN --follow --json\` (SIGTERM at the end); \`cutover cutover $PLAN --json\`; \`cutover rollback $PLAN --json\`; \`cutover sync $PLAN --json\` (\`cutover\` is \`dotnet $CLI_DLL\`) |

| figure | measured | how |
| --- | --- | --- |
| rows | $(fmt "$ROWS") seeded; $(fmt "$SOURCE_COUNT") at the end | \`items(id, name, qty, price)\` |
| writes/s achieved | $WRITES_PER_S ($(fmt "$W_ACKED") acknowledged in $W_SECONDS s: $(fmt "$W_ON_SOURCE") on the source, $(fmt "$W_ON_TARGET") on the target) | the writer's acknowledged writes (transactions) / its running time |
| copy | $COPY_S s copy phase; \`migrate\` $MIGRATE_WALL s wall | \`migrate --json\` (entity seconds), GNU time; the writer writing throughout |
| catch-up | $(fmt "$CATCHUP_CHANGES") changes in $CATCHUP_WALL s wall | \`sync --json\`, the writes made during the copy |
| forward lag p50 / p99 | $(ms "$FWD_P50") / $(ms "$FWD_P99") (max $(ms "$FWD_MAX")) | $FWD_HOW |
| reverse lag p50 / p99 | $(ms "$REV_P50") / $(ms "$REV_P99") (max $(ms "$REV_MAX")) | $REV_HOW |
| lag over every change | $FOLLOW_RUNS | the follower's \`--json\` at exit: every change it applied, each direction from its start (warm-up and the writes after the rollback included) |
| cut-over write pause | Cutover: $(ms "$CUT_PAUSE"); the application: $(ms "$W_CUT_GAP_MS") | \`cutover --json\` \`write_pause_ms\` (freeze to unfreeze; steps: $CUT_STEPS; $(fmt "$CUT_DRAINED") changes drained while frozen); the writer's log: its last acknowledged write on the source to its first on the target |
| rollback write pause | Cutover: $(ms "$BACK_PAUSE"); the application: $(ms "$W_BACK_GAP_MS") | \`rollback --json\` (steps: $BACK_STEPS); the writer's log, target to source |
| the writer's longest gap | $(ms "$W_MAX_GAP_MS") | \`max_gap_ms\`: the longest time between two acknowledged writes over the whole run |
| refused writes | $(fmt "$W_REFUSED") | \`WRITES_FROZEN\` refusals, each retried until accepted (none is lost); $(fmt "$W_RETRIED_BUSY") retries on a busy database |
| peak RSS, follower | $FOLLOW_RSS_MB MB | GNU time, \`sync --follow\` over the whole run |
| CPU | this run: $OWN_CPU s (the writer $WRITER_CPU s, the follower $FOLLOW_CPU s)$( [[ "$ENGINE" == sqlite ]] || printf ', the PostgreSQL server %s s' "$PG_CPU"); other processes on the machine: $OTHER_CPU s, $OTHER_PCT% of its $(nproc) cores over the run's $RUN_WALL s | user + system seconds from GNU time$( [[ "$ENGINE" == sqlite ]] || printf ' and /proc for the server'); other processes: the machine's busy time in /proc/stat less this run's; anything much above 0 competed for the cores |
| final sync | $(fmt "$FINAL_CHANGES") changes | after the writer and the follower stopped |
| end state | $END_STATE | counts and \`SELECT id, name, qty, price FROM items ORDER BY id\` through SHA-256 on each side; the writer's model (its last write per id) against each side |

| target (issue 4) | limit | measured | met |
| --- | --- | --- | --- |
| forward lag p99 | < $LAG_P99_LIMIT_MS ms | $(ms "$FWD_P99") | $(verdict "$FWD_P99" "$LAG_P99_LIMIT_MS") |
| reverse lag p99 | < $LAG_P99_LIMIT_MS ms | $(ms "$REV_P99") | $(verdict "$REV_P99" "$LAG_P99_LIMIT_MS") |
| cut-over write pause, Cutover's \`write_pause_ms\` | < 2 s | $(ms "$CUT_PAUSE") | $(verdict "$CUT_PAUSE" "$PAUSE_LIMIT_MS") |
| cut-over write pause, as the application saw it | < 2 s | $(ms "$W_CUT_GAP_MS") | $(verdict "$W_CUT_GAP_MS" "$PAUSE_LIMIT_MS") |
| rollback write pause, as the application saw it | < 2 s | $(ms "$W_BACK_GAP_MS") | $(verdict "$W_BACK_GAP_MS" "$PAUSE_LIMIT_MS") |

What bounds these numbers. Lag: a following sync that finds the changelog empty waits 20 ms before
it reads again (\`SyncRunner.IdlePoll\`). At $RATE writes/s it finds it empty after almost every batch, so
a change waits half a poll on average: the p50 ($(ms "$FWD_P50") forward, $(ms "$REV_P50") reverse) is that half
poll plus one read, apply and acknowledge round; the p99 is a whole poll plus a slower round. A
shorter poll would lower both, for more reads of an idle changelog. The first window after the
follower starts holds the changes written while its process was starting (a few hundred ms old when
first read) and the JIT's first compiles; its p99 was $(ms "$FWD_WARMUP_P99")$( (( FWD_TOTAL_WINDOWS >= 2 )) && printf ', which is why it is left out' || printf ', and as the only window of this run it is in the forward figures').
The reverse window starts at the switch: changes written on the target while the follower was
stepping back in (it checks every 100 ms whether the hand-over has ended, then opens the reverse
path) waited for it, which is likely why its p99 and max are above the forward ones.
The lag histogram's buckets are 1 ms wide$( [[ "$ENGINE" == sqlite ]] && printf ' and the SQLite trigger stamps changes to the millisecond'), so
the figures are good to about a millisecond; the max is where the $(nproc) cores, shared by the writer,
the follower and the $ENGINE_NAME stores, show (a garbage collection, a checkpoint).
$(contention_sentence)
Write pause: of the
cut-over's $(ms "$CUT_PAUSE"), \`verify: counts\` took $(ms "$CUT_VERIFY_MS") (it counts every row on both sides while writes
wait, so it grows with the table); the freeze, the drain ($(fmt "$CUT_DRAINED") changes written just before the
freeze), the switch of authority and the unfreeze took the rest. The application waits a little
longer than Cutover measures: a refused write is retried after 5 ms, and the writer re-reads the
authority before each try.
EOF

write_section "$HEADING" "$SECTION"

echo "engine: $ENGINE_NAME  rows: $ROWS  writes/s: $WRITES_PER_S (acked $W_ACKED, refused $W_REFUSED)"
echo "copy: ${COPY_S}s (migrate ${MIGRATE_WALL}s)  forward lag p50/p99: $FWD_P50/$FWD_P99 ms ($FWD_N windows)  reverse lag p50/p99: $REV_P50/$REV_P99 ms"
echo "cut-over pause: ${CUT_PAUSE} ms (application ${W_CUT_GAP_MS} ms)  rollback pause: ${BACK_PAUSE} ms (application ${W_BACK_GAP_MS} ms)  writer max gap: ${W_MAX_GAP_MS} ms"
echo "follower peak RSS: $FOLLOW_RSS_MB MB  CPU: this run $OWN_CPU s, other processes $OTHER_CPU s ($OTHER_PCT% of the machine over $RUN_WALL s)"
echo "end state: $END_STATE"
echo "-> $DOCS"
(( ${#PROBLEMS[@]} == 0 )) || die "the stores are not identical or a write is missing; see above"
