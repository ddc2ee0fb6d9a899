#!/usr/bin/env bash
# Runs every test Cutover has. This is the README's test command and what .ci/run calls.
# The SQLite tests need no server; the PostgreSQL tests get a throwaway PostgreSQL 15
# (scripts/services/postgres.sh), started here and stopped on exit, even on failure or Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

echo "== services: throwaway PostgreSQL 15"
# One env file per run, so two runs side by side (a worktree and a fresh clone) never share a server.
CUTOVER_PG_ENV_FILE="$(mktemp "${TMPDIR:-/tmp}/cutover-test-pg.XXXXXX")"
export CUTOVER_PG_ENV_FILE
trap 'scripts/services/postgres.sh stop || true; rm -f "$CUTOVER_PG_ENV_FILE"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if ! scripts/services/postgres.sh start >/dev/null; then
  echo "== FAILED: PostgreSQL 15 could not start (see above); the PostgreSQL tests need it"
  exit 1
fi
# shellcheck disable=SC1090
. "$CUTOVER_PG_ENV_FILE"
export CUTOVER_TEST_PG
echo "PostgreSQL 15 on 127.0.0.1:$CUTOVER_PG_PORT (data in $CUTOVER_PG_DIR)"

echo "== build (Release)"
dotnet build Cutover.sln -c Release --nologo -v q -clp:ErrorsOnly -clp:NoSummary

echo "== tests"
status=0
for project in tests/*/*.Tests.csproj; do
  echo "-- $project"
  dotnet test "$project" -c Release --no-build --nologo -v q --logger "console;verbosity=minimal" || status=$?
done

echo "== .NET tool: pack, install into a temporary tool path, run"
tooldir="$(mktemp -d)"
if dotnet pack src/Cutover.Cli -c Release --nologo -v q -o "$tooldir/pkg" >/dev/null \
   && dotnet tool install Cutover --tool-path "$tooldir/bin" --add-source "$tooldir/pkg" >/dev/null \
   && "$tooldir/bin/cutover" --version >/dev/null \
   && "$tooldir/bin/cutover" --help | grep -q "migrate <PLAN>"; then
  echo "installed as a tool: $("$tooldir/bin/cutover" --version)"
else
  echo "the .NET tool package did not pack, install or run"; status=1
fi
rm -rf "$tooldir"

echo "== example: examples/session-buddy-ulid/run.sh"
examples/session-buddy-ulid/run.sh > "${TMPDIR:-/tmp}/cutover-example.log" 2>&1 || { status=$?; tail -40 "${TMPDIR:-/tmp}/cutover-example.log"; }
[ "$status" -eq 0 ] && tail -3 "${TMPDIR:-/tmp}/cutover-example.log"

echo "== example: examples/gaia-dual-write/run.sh"
examples/gaia-dual-write/run.sh > "${TMPDIR:-/tmp}/cutover-gaia.log" 2>&1 || { status=$?; tail -40 "${TMPDIR:-/tmp}/cutover-gaia.log"; }
[ "$status" -eq 0 ] && tail -1 "${TMPDIR:-/tmp}/cutover-gaia.log"

if [ "$status" -eq 0 ]; then echo "== all tests passed"; else echo "== FAILED (exit $status)"; fi
exit "$status"
