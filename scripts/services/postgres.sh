#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL 15 for the tests: a fresh initdb in a temporary
# directory, listening on 127.0.0.1 at a free port, durability switched off (tests only;
# CUTOVER_PG_DURABLE=1 below keeps it on), wal_level=logical with room for the replication
# slots that capture: logical tests create (the role may replicate: slots, publications and
# pg_replication_slot_advance need it).
#
#   scripts/services/postgres.sh start   # prints the env file; source it for CUTOVER_TEST_PG
#   scripts/services/postgres.sh stop    # stops the server and removes its directory
#
# The env file lives at $CUTOVER_PG_ENV_FILE (default: $TMPDIR/cutover-test-pg.env). Both
# commands are idempotent: start reuses a server that is still running, stop is quiet when
# nothing runs. initdb refuses to run as root, so as root the binaries run as `postgres`.
# Servers with different env files run side by side: each start makes its own directory
# (mktemp) and takes its own free port, and stop stops only the server its env file names.
#
# CUTOVER_PG_DURABLE=1 at start keeps PostgreSQL's production defaults for durability
# (fsync=on, synchronous_commit=on, full_page_writes=on: a commit waits for its WAL flush)
# instead of switching them off; benchmarks use it to model a real server. The env file
# then holds CUTOVER_PG_DURABLE='1'.
set -euo pipefail

envfile="${CUTOVER_PG_ENV_FILE:-${TMPDIR:-/tmp}/cutover-test-pg.env}"
pgbin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
[ -x "$pgbin/initdb" ] || pgbin="$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"
role=cutover
database=cutover_test
# Special characters on purpose: the URI must be URL-encoded and nothing may leak it.
password='s3cr#t:p@ss/word'

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

die() { echo "postgres.sh: $*" >&2; exit 1; }

running() {
  [ -f "$envfile" ] || return 1
  # shellcheck disable=SC1090
  local dir; dir="$(. "$envfile"; echo "${CUTOVER_PG_DIR:-}")"
  [ -n "$dir" ] && [ -d "$dir/data" ] && as_pg "$pgbin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

urlencode() {
  python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"
}

start() {
  [ -x "$pgbin/initdb" ] || die "PostgreSQL 15 binaries not found (looked in /usr/lib/postgresql/15/bin and PATH); install postgresql-15"
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" durable=0
  case "${CUTOVER_PG_DURABLE:-0}" in
    0|"") ;;
    1) durable=1; durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on" ;;
    *) die "CUTOVER_PG_DURABLE must be 0 or 1, got '$CUTOVER_PG_DURABLE'" ;;
  esac
  if running; then
    # shellcheck disable=SC1090
    [ "$(. "$envfile"; echo "${CUTOVER_PG_DURABLE:-0}")" = "$durable" ] \
      || die "the server of $envfile runs with other durability settings than CUTOVER_PG_DURABLE=$durable asks; stop it first"
    echo "$envfile"
    return 0
  fi
  local dir port log
  dir="$(mktemp -d "${TMPDIR:-/tmp}/cutover-pg.XXXXXX")"
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  log="$dir/server.log"
  printf '%s\n' "$password" > "$dir/pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pwfile"
  chmod 600 "$dir/pwfile"
  # The superuser gets the same password; host connections must authenticate, the socket is trusted.
  if ! as_pg "$pgbin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
       --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    tail -20 "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed"
  fi
  rm -f "$dir/pwfile"

  local attempt started=0
  for attempt in 1 2 3; do
    port="$(free_port)"
    if as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$log" -w -t 30 \
         -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir $durability -c wal_level=logical -c max_replication_slots=64 -c max_wal_senders=64" \
         start >/dev/null 2>&1; then
      started=1; break
    fi
    # Another process may have taken the port between the probe and the bind; try another.
    as_pg "$pgbin/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1 || true
  done
  local waited=0
  while [ "$started" -eq 1 ] && ! pg_isready -q -h 127.0.0.1 -p "$port" -t 1; do
    waited=$((waited + 1))
    [ "$waited" -ge 30 ] && { started=0; break; }
    sleep 1
  done
  if [ "$started" -ne 1 ]; then
    echo "---- last lines of $log" >&2; tail -20 "$log" >&2 2>/dev/null || true
    as_pg "$pgbin/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$dir"
    die "PostgreSQL did not become ready on 127.0.0.1:$port within 30 s"
  fi

  local sqlpw="${password//\'/\'\'}"
  if ! as_pg psql -q -X -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres >/dev/null 2>"$dir/psql.log" <<SQL
CREATE ROLE $role LOGIN CREATEDB REPLICATION PASSWORD '$sqlpw';
CREATE DATABASE $database OWNER $role;
SQL
  then
    cat "$dir/psql.log" >&2
    as_pg "$pgbin/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$dir"
    die "could not create role $role and database $database"
  fi

  umask 077
  {
    echo "CUTOVER_TEST_PG='postgres://$role:$(urlencode "$password")@127.0.0.1:$port/$database'"
    echo "CUTOVER_PG_DIR='$dir'"
    echo "CUTOVER_PG_PORT='$port'"
    echo "CUTOVER_PG_PID='$(head -1 "$dir/data/postmaster.pid")'"
    echo "CUTOVER_PG_DURABLE='$durable'"
  } > "$envfile"
  echo "$envfile"
}

stop() {
  [ -f "$envfile" ] || return 0
  local dir pid
  # shellcheck disable=SC1090
  dir="$(. "$envfile"; echo "${CUTOVER_PG_DIR:-}")"
  # shellcheck disable=SC1090
  pid="$(. "$envfile"; echo "${CUTOVER_PG_PID:-}")"
  if [ -n "$dir" ] && [ -d "$dir/data" ]; then
    as_pg "$pgbin/pg_ctl" -D "$dir/data" -w -t 30 stop -m fast >/dev/null 2>&1 \
      || as_pg "$pgbin/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1 || true
  fi
  # pg_ctl returns once the pid file is gone; the postmaster may still be exiting.
  local i
  for i in $(seq 1 50); do
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  case "$dir" in
    "${TMPDIR:-/tmp}"/cutover-pg.*) rm -rf "$dir" ;;
  esac
  rm -f "$envfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
