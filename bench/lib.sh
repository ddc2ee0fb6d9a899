# shellcheck shell=bash
# What the bench scripts share: sourced by bench/sqlite-to-sqlite.sh and bench/postgres.sh, not run.
#
# bench_setup reads ROWS, moves to the repository root and names the generated source; the other
# functions check tools, build the CLI, generate the data, time a command under GNU time, format
# figures, read `cutover migrate --json` and replace a section of docs/BENCHMARKS.md.

OUT_DIR="bench/out"
CLI_DLL="src/Cutover.Cli/bin/Release/net10.0/cutover.dll"
DOCS="docs/BENCHMARKS.md"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# bench_setup -> ROWS (default 1000000), LABEL (1m, 250k, 12345), LABEL_UPPER, SOURCE_DB; cd to the root.
bench_setup() {
    ROWS="${ROWS:-1000000}"
    if ! [[ "$ROWS" =~ ^[1-9][0-9]*$ ]]; then
        echo "error: ROWS must be a positive integer, got '$ROWS'" >&2
        exit 2
    fi
    cd "$(dirname "${BASH_SOURCE[0]}")/.."
    if (( ROWS % 1000000 == 0 )); then LABEL="$((ROWS / 1000000))m"
    elif (( ROWS % 1000 == 0 )); then LABEL="$((ROWS / 1000))k"
    else LABEL="$ROWS"; fi
    LABEL_UPPER="$(tr '[:lower:]' '[:upper:]' <<<"$LABEL")"
    SOURCE_DB="$OUT_DIR/events-$LABEL.db"
    command -v dotnet >/dev/null || die "dotnet is not on PATH"
    command -v jq >/dev/null || command -v python3 >/dev/null || die "need jq or python3 to read the --json output"
}

# apt_install PACKAGE -> installs it with apt-get, only as root (apt-get update first when the plain install fails).
apt_install() {
    command -v apt-get >/dev/null && [[ "$(id -u)" == 0 ]] || return 1
    log "$1 is missing; installing package '$1' with apt-get"
    apt-get install -y "$1" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "$1" >/dev/null; } || true
}

gnu_time_ok() { [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; }
require_gnu_time() {
    gnu_time_ok || apt_install time || true
    gnu_time_ok || die "GNU time (/usr/bin/time with -v) is required to measure peak RSS. Install it: sudo apt-get install -y time"
}

# count_rows DB TABLE -> COUNT(*) of a SQLite table, or nothing when the file or table is missing.
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

build_cli() {
    log "building the CLI (Release)"
    dotnet build -c Release src/Cutover.Cli -nologo -v quiet >&2
    [[ -f "$CLI_DLL" ]] || die "build succeeded but $CLI_DLL is missing"
}

# ensure_source -> generates SOURCE_DB unless it already has ROWS events rows; sets SRC_SESSIONS, SRC_AGENTS,
# SRC_EVENTS, SRC_TOTAL.
ensure_source() {
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
}

# time_run PREFIX CMD... -> runs CMD under GNU time with stdout, stderr and time's report in PREFIX.stdout,
# PREFIX.stderr and PREFIX.time; sets RC, WALL_S (seconds, 2 decimals) and RSS_MB (peak RSS of the largest
# process, 1 decimal). A failing CMD does not stop the script: RC says how it ended.
time_run() {
    local prefix="$1"; shift
    set +e
    /usr/bin/time -v -o "$prefix.time" "$@" >"$prefix.stdout" 2>"$prefix.stderr"
    RC=$?
    set -e
    # "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.35"
    local wall_raw rss_kb
    wall_raw="$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time.*: \([0-9:.]*\)$/\1/p' "$prefix.time")"
    rss_kb="$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): \([0-9]*\)$/\1/p' "$prefix.time")"
    [[ -n "$wall_raw" && -n "$rss_kb" ]] || die "could not read wall time / peak RSS from $prefix.time"
    WALL_S="$(awk -v t="$wall_raw" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }')"
    RSS_MB="$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')"
}

secs() { awk -v s="$1" 'BEGIN { printf "%.2f", s }'; }
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# fmt N -> N with thousands separators (1,060,000).
fmt() { LC_ALL=C awk -v n="$1" 'BEGIN { s = sprintf("%d", n); o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } printf "%s%s", s, o }'; }
# md_cell TEXT -> TEXT on one line, at most 300 characters, with | escaped for a Markdown table.
md_cell() { printf '%s' "$1" | tr -s '[:space:]' ' ' | cut -c 1-300 | sed 's/|/\\|/g'; }

# first_error_line FILE -> the first line that looks like an error, else the last non-empty line, as a table cell.
first_error_line() {
    local line="" pattern
    # SBCL's heap exhaustion (pgloader) first: its "fatal error encountered" line names no cause.
    for pattern in 'Heap exhausted' 'ERROR|FATAL' '[Ee]rror'; do
        line="$(grep -m 1 -E "$pattern" "$1" 2>/dev/null || true)"
        [[ -z "$line" ]] || break
    done
    [[ -n "$line" ]] || line="$(grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1 || true)"
    md_cell "$line"
}

# migrate_json FILE FIELD -> one figure from `cutover migrate --json` (shape in docs/cli.md), or nothing:
#   error (CODE: message), rows_written, copy_seconds (entity times summed), verify_seconds (summed).
migrate_json() {
    local file="$1" field="$2" expr
    case "$field" in
        error) expr='if .error then "\(.error.code): \(.error.message)" else "" end' ;;
        rows_written) expr='.totals.rows_written' ;;
        copy_seconds) expr='[.entities[]?.seconds] | add // 0' ;;
        verify_seconds) expr='[.verification[]?.seconds] | add // 0' ;;
        *) die "migrate_json: unknown field $field" ;;
    esac
    if command -v jq >/dev/null; then
        jq -r "$expr" "$file" 2>/dev/null || true
    else
        python3 - "$file" "$field" <<'PY' 2>/dev/null || true
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
f = sys.argv[2]
if f == "error":
    e = d.get("error")
    print(f'{e["code"]}: {e["message"]}' if e else "")
elif f == "rows_written":
    print(d["totals"]["rows_written"])
elif f == "copy_seconds":
    print(sum(e["seconds"] for e in d.get("entities") or []))
else:
    print(sum(v["seconds"] for v in d.get("verification") or []))
PY
    fi
}

# migrate_phases STDERR START WALL -> "startup 1 s, preflight 0 s, backup 2 s, ..., verify 19 s": where a
# `cutover migrate` run spent its time, from the "HH:MM:SS phase NAME:" lines it prints (UTC, whole seconds, so
# each figure is good to about a second). START is when the run began (epoch seconds), WALL its wall time; the
# last phase lasts until the process ended. Prints nothing when there are no such lines.
migrate_phases() {
    awk -v start="$2" -v wall="$3" '
        $2 == "phase" && $1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ {
            split($1, t, ":"); n++; at[n] = t[1] * 3600 + t[2] * 60 + t[3]
            name[n] = $3; sub(/:$/, "", name[n])
        }
        END {
            if (n == 0) exit
            s0 = start % 86400
            for (i = 1; i <= n; i++) if (at[i] < s0 - 1) at[i] += 86400   # past midnight
            at[n + 1] = s0 + wall
            d = at[1] - s0; if (d < 0) d = 0
            printf "startup %.0f s", d
            for (i = 1; i <= n; i++) { d = at[i + 1] - at[i]; if (d < 0) d = 0; printf ", %s %.0f s", name[i], d }
        }' "$1" 2>/dev/null || true
}

# machine_facts -> CPU, MEM_GIB, COMMIT (with "+ uncommitted changes" when the tree differs outside the docs),
# SDK, NOW (UTC, ISO 8601).
machine_facts() {
    CPU="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
    [[ -n "$CPU" ]] || CPU="$(uname -m)"
    MEM_GIB="$(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)"
    COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    local dirty
    dirty="$(git status --porcelain --untracked-files=no -- . ":!$DOCS" 2>/dev/null | head -n 1)"
    [[ -z "$dirty" ]] || COMMIT="$COMMIT (+ uncommitted changes)"
    SDK="$(dotnet --version)"
    NOW="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
machine_line() { printf '%s, nproc %s%s' "$CPU" "$(nproc)" "${MEM_GIB:+, ${MEM_GIB} GiB RAM}"; }

# write_section HEADING FILE [OLD_HEADING...] -> replaces the section of docs/BENCHMARKS.md under HEADING
# (up to the next "## " heading) with FILE, or appends it. A section under one of the OLD_HEADINGs counts as
# the same section (a script that renamed its heading leaves no stale copy): the first one found is replaced,
# any other is removed. Every other section is kept.
write_section() {
    local heading="$1" file="$2"; shift 2
    local old
    old="$(printf '%s\n' "$@")"
    mkdir -p "$(dirname "$DOCS")"
    [[ -f "$DOCS" ]] || printf '# Benchmarks\n\nNumbers from the scripts in `bench/`; each section is rewritten by the script named in it.\n' >"$DOCS"
    awk -v heading="$heading" -v secfile="$file" -v old="$old" '
        BEGIN {
            while ((getline line < secfile) > 0) sec = sec line "\n"
            n = split(old, olds, "\n"); for (i = 1; i <= n; i++) if (olds[i] != "") drop[olds[i]] = 1
            done = 0; skip = 0
        }
        $0 == heading || ($0 in drop) {
            if (done) { skip = 2 } else { printf "%s", sec; done = 1; skip = 1 }
            next
        }
        skip && /^## / { if (skip == 1) print ""; skip = 0 }
        !skip { print }
        END { if (!done) printf "\n%s", sec }
    ' "$DOCS" >"$DOCS.tmp"
    mv "$DOCS.tmp" "$DOCS"
}
