#!/usr/bin/env bash
# Dual-write overhead (issue 6): what Cutover's dual write costs against one write, p50 and p99, next to the
# peer approach (GitHub Scientist's: await the old store, then the new one), in the same process and run.
#
# For each engine, `Cutover.Bench dual-write` writes the same session ids, in rotated rounds so machine noise
# hits every scenario alike, through: the old store alone, the new store alone (both called directly), the
# old store through MigrationRouter at stage legacy, MigrationRouter at stage dual-write (write_percent 100,
# old leading; with OffloadCalls false, the default, and true), and the sequential wrapper. Stores:
#   postgres  two databases on one throwaway PostgreSQL 15 (scripts/services/postgres.sh, own env file,
#             stopped on exit) with its test-speed flags (fsync, synchronous_commit, full_page_writes off):
#             a write is CPU on loopback; each write one upsert on its own pooled Npgsql connection
#   postgres-durable
#             the old store on one throwaway PostgreSQL 15, the new store on a second one, each its own
#             cluster and WAL, both with PostgreSQL's durable defaults (CUTOVER_PG_DURABLE=1): a commit waits
#             for its WAL flush, as on two production servers; same writes, CONCURRENCY as postgres
#   sqlite    two WAL files in bench/out/dual-write; Microsoft.Data.Sqlite (its async calls end synchronously),
#             once per SQLITE_SYNC setting: normal (a commit does not wait for the disk), full (it syncs the WAL)
# Latency per call from Stopwatch.GetTimestamp; p50 and p99 by nearest rank; warm-up not recorded. The
# section "Dual-write overhead (issue 6)" of docs/BENCHMARKS.md is replaced; other sections are kept. Each
# PostgreSQL server runs only during its engine's runs and is stopped through its own env file (also on exit),
# so servers other people started with scripts/services/postgres.sh are left alone.
#
#   bench/dual-write.sh                        # every engine, 5000 writes per scenario, 1 caller
#   CONCURRENCY="1 8" bench/dual-write.sh      # also 8 callers at once (PostgreSQL; SQLITE_CONCURRENCY for SQLite)
#   ENGINES=postgres-durable bench/dual-write.sh
#   ENGINES=sqlite WRITES=20000 bench/dual-write.sh
#
# Needs: dotnet, python3, and for postgres the PostgreSQL 15 server binaries and psql.
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ENGINES="${ENGINES:-postgres postgres-durable sqlite}"
WRITES="${WRITES:-5000}"
WARMUP="${WARMUP:-500}"
KEYS="${KEYS:-1000}"
CONCURRENCY="${CONCURRENCY:-1}"
SQLITE_SYNC="${SQLITE_SYNC:-normal full}"
# SQLite takes one writer per file and Microsoft.Data.Sqlite waits for the lock by sleeping and retrying, so many
# callers measure those waits (8 callers, synchronous=FULL: p99 601 ms, the breach monitor stepped back).
SQLITE_CONCURRENCY="${SQLITE_CONCURRENCY:-1}"
for y in $SQLITE_SYNC; do [[ "$y" == normal || "$y" == full ]] || die "SQLITE_SYNC may hold normal and full, got '$SQLITE_SYNC'"; done
for v in WRITES WARMUP KEYS; do [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"; done
for c in $CONCURRENCY $SQLITE_CONCURRENCY; do [[ "$c" =~ ^[1-9][0-9]*$ ]] || die "CONCURRENCY and SQLITE_CONCURRENCY must list positive integers, got '$CONCURRENCY' and '$SQLITE_CONCURRENCY'"; done
for e in $ENGINES; do [[ "$e" == postgres || "$e" == postgres-durable || "$e" == sqlite ]] || die "ENGINES may hold postgres, postgres-durable and sqlite, got '$ENGINES'"; done
HEADING="## Dual-write overhead (issue 6)"
BENCH_DLL="bench/Cutover.Bench/bin/Release/net10.0/Cutover.Bench.dll"
command -v dotnet >/dev/null || die "dotnet is not on PATH"
command -v python3 >/dev/null || die "need python3 to read the bench's JSON"
LOAD_AT_START="$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo unknown)"

PG_TMP=""
SECTION="$(mktemp)"
# pg_stop_all: stops the servers this run started (one env file each in PG_TMP), never another one.
pg_stop_all() {
    local f
    [[ -n "$PG_TMP" ]] || return 0
    for f in "$PG_TMP"/*.env; do
        [[ -f "$f" ]] || continue
        CUTOVER_PG_ENV_FILE="$f" scripts/services/postgres.sh stop >/dev/null 2>&1 || true
    done
}
cleanup() {
    if [[ -n "$PG_TMP" ]]; then
        pg_stop_all
        rm -rf "$PG_TMP"
    fi
    rm -f "$SECTION"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# pg_start NAME DURABLE -> starts a throwaway PostgreSQL with env file PG_TMP/NAME.env; prints its Npgsql
# connection string (the bench reads it from the environment, so no command line holds the password).
pg_start() {
    local envfile="$PG_TMP/$1.env"
    CUTOVER_PG_ENV_FILE="$envfile" CUTOVER_PG_DURABLE="$2" scripts/services/postgres.sh start >/dev/null
    (
        # shellcheck disable=SC1090
        . "$envfile"
        python3 -c '
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
q = lambda v: chr(34) + urllib.parse.unquote(v).replace(chr(34), chr(34) * 2) + chr(34)
print("Host=%s;Port=%s;Username=%s;Password=%s;Database=%s" % (u.hostname, u.port, q(u.username), q(u.password), u.path.lstrip("/")))
' "$CUTOVER_TEST_PG"
    )
}

# pg_version NAME -> the server's version, e.g. 15.18.
pg_version() {
    (
        # shellcheck disable=SC1090
        . "$PG_TMP/$1.env"
        v="$(psql -X -h "$CUTOVER_PG_DIR" -p "$CUTOVER_PG_PORT" -U postgres -d postgres -tAc 'SHOW server_version')"
        echo "${v%% *}"
    )
}

# variant_servers VARIANT -> starts the servers a variant needs and exports CUTOVER_BENCH_PG (and _NEW).
variant_servers() {
    unset CUTOVER_BENCH_PG CUTOVER_BENCH_PG_NEW
    case "$1" in
        postgres:)
            log "starting a throwaway PostgreSQL 15 (fsync, synchronous_commit, full_page_writes off)"
            CUTOVER_BENCH_PG="$(pg_start one 0)"
            export CUTOVER_BENCH_PG
            PG_VERSION="$(pg_version one)" ;;
        postgres:durable)
            log "starting two throwaway PostgreSQL 15 servers, durable (CUTOVER_PG_DURABLE=1): old and new"
            CUTOVER_BENCH_PG="$(pg_start old 1)"
            CUTOVER_BENCH_PG_NEW="$(pg_start new 1)"
            export CUTOVER_BENCH_PG CUTOVER_BENCH_PG_NEW
            PG_VERSION="$(pg_version old)" ;;
    esac
}

log "building bench/Cutover.Bench (Release)"
dotnet build -c Release bench/Cutover.Bench -nologo -v quiet >&2
[[ -f "$BENCH_DLL" ]] || die "build succeeded but $BENCH_DLL is missing"
mkdir -p "$OUT_DIR"

PG_VERSION=""
[[ " $ENGINES " != *" postgres"* ]] || PG_TMP="$(mktemp -d "${TMPDIR:-/tmp}/cutover-bench-dual.XXXXXX")"

RUNS=()
VARIANTS=()
for engine in $ENGINES; do
    case "$engine" in
        sqlite) for y in $SQLITE_SYNC; do VARIANTS+=("sqlite:$y"); done ;;
        postgres-durable) VARIANTS+=("postgres:durable") ;;
        *) VARIANTS+=("$engine:") ;;
    esac
done
for variant in "${VARIANTS[@]}"; do
    engine="${variant%%:*}" sync="${variant#*:}"
    callers="$CONCURRENCY"
    [[ "$engine" != sqlite ]] || callers="$SQLITE_CONCURRENCY"
    variant_servers "$variant"
    for c in $callers; do
        out="$OUT_DIR/dual-write-$engine${sync:+-$sync}-c$c"
        cmd=(dotnet "$BENCH_DLL" dual-write --engine "$engine" --writes "$WRITES" --warmup "$WARMUP" --keys "$KEYS" --concurrency "$c")
        [[ "$engine" != sqlite ]] || cmd+=(--synchronous "$sync")
        log "$engine${sync:+ ($sync)}, $c caller(s): ${cmd[*]} (load $(cut -d ' ' -f 1 /proc/loadavg))"
        set +e
        "${cmd[@]}" >"$out.json" 2>"$out.stderr"
        rc=$?
        set -e
        [[ -s "$out.json" ]] || { tail -n 20 "$out.stderr" >&2; die "$engine: the bench exited $rc with no JSON"; }
        (( rc == 0 )) || log "$engine: the bench exited $rc (row counts or a breach; see $out.json)"
        RUNS+=("$out.json|${cmd[*]}|$(cut -d ' ' -f 1-3 /proc/loadavg)")
    done
    pg_stop_all
done

machine_facts
LOAD_AT_END="$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo unknown)"
python3 - "$SECTION" "$HEADING" "$NOW" "$(machine_line)" "$COMMIT" "$SDK" "$LOAD_AT_START" "$LOAD_AT_END" "$PG_VERSION" "${RUNS[@]}" <<'PY'
import json, sys
section, heading, now, machine, commit, sdk, load_start, load_end, pg_version = sys.argv[1:10]
runs = [r.split("|") for r in sys.argv[10:]]
TARGET = 1.1
names = {
    "old": "old store alone (direct)", "new": "new store alone (direct)",
    "router_legacy": "old through the router, stage legacy", "dual": "**Cutover dual write** (router, default)",
    "dual_offload": "Cutover dual write, `OffloadCalls = true`", "sequential": "Scientist-style: await old, then new",
}
engines = {"postgres": f"PostgreSQL {pg_version}".strip(), "sqlite": "SQLite"}
DURABLE = "fsync=on synchronous_commit=on full_page_writes=on"
def engine_label(d):
    if d["engine"] != "postgres":
        return engines[d["engine"]] + (" synchronous=" + d["synchronous"] if "synchronous" in d else "")
    durable = d["pg_old_settings"] == DURABLE and d["pg_new_settings"] == DURABLE
    fast = all(x.startswith("fsync=off") for x in (d["pg_old_settings"], d["pg_new_settings"]))
    where = "two durable servers" if d["pg_servers"] == 2 and durable else "two servers" if d["pg_servers"] == 2 else "one server"
    return f"{engines['postgres']}, {where}{', fsync=off' if fast else ''}"
def command_text(d, cmd):
    if d["engine"] != "postgres":
        return f"`{cmd}`"
    if d["pg_servers"] == 2:
        return f"`{cmd}` with `CUTOVER_BENCH_PG` naming the old store's server ({d['pg_old_settings']}) and `CUTOVER_BENCH_PG_NEW` the new store's ({d['pg_new_settings']})"
    return f"`{cmd}` with `CUTOVER_BENCH_PG` naming the one server ({d['pg_old_settings']})"

out = [heading, "",
    "Written by `bench/dual-write.sh`; run it again to refresh this section.",
    f"Date {now}; {machine}; commit {commit}; .NET SDK {sdk}; load average at start {load_start}, at the end {load_end}.", "",
    "Every scenario writes the same session ids (upserts of existing rows, a 200-byte payload) over the same two",
    "stores, in one process, in rounds of 100 writes per scenario whose order rotates every round, so machine noise",
    "hits them alike; the warm-up writes are not recorded. Latency per call with `Stopwatch.GetTimestamp`, p50 and p99",
    "by nearest rank. The single writes call the store's `WriteAsync` directly (no router): the write an",
    "application makes without Cutover. The router runs with the defaults a user gets: breach monitor and Polly",
    "circuit breaker on the new side, its meter, an in-memory conflict journal, the control an",
    "`InMemoryRoutingControl` (stage dual-write, write_percent 100, lead old). The peer is GitHub Scientist's way:",
    "the old store's write awaited, then the new one's (`bench/Cutover.Bench/DualWrite/SequentialDualWrite.cs`).",
    "Ratios are against the slower single write (the larger of old's and new's p50, or p99). Client CPU is the",
    "bench process's CPU time (every thread) while a scenario ran, per write; the servers' CPU is not in it.", "",
    "PostgreSQL, one server, fsync=off: two databases on one throwaway server (`scripts/services/postgres.sh`:",
    "127.0.0.1, `fsync=off`, `synchronous_commit=off`, `full_page_writes=off`), so a commit never waits for the",
    "disk and a write is CPU on loopback. PostgreSQL, two durable servers: the old store's database on one",
    "throwaway server and the new store's on another, each its own cluster, WAL and backends, both with",
    "PostgreSQL's durable defaults (`CUTOVER_PG_DURABLE=1`: `fsync`, `synchronous_commit`, `full_page_writes`",
    "on), so every commit waits for its WAL flush: the configuration that models an old and a new production",
    "server, except that both are on this machine's loopback and disk, with no network in between. Each write",
    "one `INSERT ... ON CONFLICT DO UPDATE` on its own pooled connection (`NpgsqlDataSource`, async).",
    "SQLite: two WAL files in `bench/out/dual-write/`, `synchronous = NORMAL` (a",
    "commit does not wait for the disk) or `FULL` (every commit syncs the WAL), Microsoft.Data.Sqlite, whose",
    "async methods complete synchronously: without `OffloadCalls` the router's old write has ended before the new",
    "one starts. Client, server and both stores share the machine's cores.", "",
    "| engine, callers | scenario | p50 ms | p99 ms | mean ms | p50 / slower single | p99 / slower single | client CPU µs per write |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |"]
verdicts = []
commands = []
for path, cmd, load in runs:
    d = json.load(open(path, encoding="utf-8"))
    label = f"{engine_label(d)}, {d['concurrency']}"
    r = d["ratios"]
    commands.append(f"{command_text(d, cmd)} ({d['writes_per_scenario']} writes per scenario after {d['warmup_per_scenario']} warm-up, {d['keys']} ids; measured part {d['measured_seconds']} s; load after {load}; rows old/new {d['rows_old']}/{d['rows_new']}; breaches: {', '.join(d['breaches']) or 'none'})")
    for name, s in d["scenarios"].items():
        p50 = f"{r[name + '_p50']:.2f}" if name + "_p50" in r else "—"
        p99 = f"{r[name + '_p99']:.2f}" if name + "_p99" in r else "—"
        out.append(f"| {label} | {names.get(name, name)} | {s['p50_ms']:.3f} | {s['p99_ms']:.3f} | {s['mean_ms']:.3f} | {p50} | {p99} | {s['client_cpu_us_per_call']:.0f} |")
    i = d["ideal_overlap"]
    out.append(f"| {label} | *perfect overlap, no overhead (not run: i-th old and i-th new single write paired, slower kept)* | {i['p50_ms']:.3f} | {i['p99_ms']:.3f} | {i['mean_ms']:.3f} | {r['ideal_overlap_p50']:.2f} | {r['ideal_overlap_p99']:.2f} | — |")
    for name in ("dual", "dual_offload"):
        met = "met" if r[name + "_p99"] <= TARGET else "**NOT met**"
        verdicts.append(f"| {label} | {names[name]} | {r[name + '_p99']:.2f} ({met}) | {r['sequential_p99']:.2f} | {r['ideal_overlap_p99']:.2f} | {r[name + '_p50']:.2f} | {r['sequential_p50']:.2f} | {r['ideal_overlap_p50']:.2f} |")
out += ["", "Target (issue 6): dual-write p99 at most 1.1 × the slower single write's p99. \"Perfect overlap\" is the",
    "floor no dual write can beat on these stores: waiting for the slower of two writes makes the tail of two",
    "single writes' tails (about the singles' p99.5 when they are independent), before any cost of its own.", "",
    "| engine, callers | dual write | its p99 / slower single p99 (≤ 1.1) | Scientist-style p99 / same | perfect overlap p99 / same | its p50 / slower single p50 | Scientist-style p50 / same | perfect overlap p50 / same |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |"] + verdicts
out += ["", "Commands (repository root; `CUTOVER_BENCH_PG` and `CUTOVER_BENCH_PG_NEW` hold throwaway servers' Npgsql connection strings):", ""]
out += [f"- {c}" for c in commands]
open(section, "w", encoding="utf-8").write("\n".join(out) + "\n")
for path, cmd, load in runs:
    d = json.load(open(path, encoding="utf-8")); r = d["ratios"]
    print(f"{engine_label(d):45} c={d['concurrency']}: dual p99/slower single {r['dual_p99']:.2f}, offload {r['dual_offload_p99']:.2f}, sequential {r['sequential_p99']:.2f}; p50 {r['dual_p50']:.2f} / {r['dual_offload_p50']:.2f} / {r['sequential_p50']:.2f}")
PY
write_section "$HEADING" "$SECTION"
echo "-> $DOCS"
