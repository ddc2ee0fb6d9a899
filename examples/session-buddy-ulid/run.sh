#!/usr/bin/env bash
# Re-creates app.db from seed.sql and migrates it to app_v2.db with cutover.yaml.
# Runs from any directory; exits with cutover's exit code.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v sqlite3 >/dev/null; then
    echo "error: the sqlite3 command-line tool is needed to build app.db (Debian/Ubuntu: apt-get install -y sqlite3)" >&2
    exit 1
fi

rm -rf app.db app.db-journal app.db-wal app.db-shm \
       app_v2.db app_v2.db-journal app_v2.db-wal app_v2.db-shm \
       .cutover
sqlite3 app.db < seed.sql
echo "seeded app.db: $(sqlite3 app.db 'SELECT COUNT(*) FROM sessions') sessions, $(sqlite3 app.db 'SELECT COUNT(*) FROM reflections') reflections, $(sqlite3 app.db 'SELECT COUNT(*) FROM conversations') conversations" >&2

if [[ ! -x ../../cutover ]]; then
    echo "error: ../../cutover (the repo-root wrapper that builds and runs the CLI) is missing" >&2
    exit 127
fi

exec ../../cutover migrate cutover.yaml "$@"
