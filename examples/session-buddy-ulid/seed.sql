-- Seed for the session-buddy -> ULID example: a small, deterministic session-buddy style database.
--   sqlite3 app.db < seed.sql
-- Pure SQL, no random(): every value is arithmetic on a row number, so two runs give the same
-- `.dump`. Keys are the legacy kind the guide re-keys: UUID strings, plus every 20th session on
-- the older f"{project}-{timestamp}" scheme.
PRAGMA foreign_keys = ON;

BEGIN;

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    project    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    summary    TEXT
);

CREATE TABLE reflections (
    id         INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    body       TEXT,
    created_at TEXT,
    score      REAL
);

CREATE TABLE conversations (
    id         INTEGER PRIMARY KEY,
    session_id TEXT REFERENCES sessions(id),
    role       TEXT,
    content    TEXT,
    tokens     INTEGER
);

CREATE INDEX ix_reflections_session_id ON reflections(session_id);
CREATE INDEX ix_conversations_session_id ON conversations(session_id);

-- Session n (1..200): one every ~4 hours from 2026-01-05T10:00:00Z, with minute/second jitter.
CREATE TEMP TABLE seed_sessions AS
WITH RECURSIVE n(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM n WHERE n < 200),
s AS (
    SELECT n,
           CASE n % 5
               WHEN 0 THEN 'session-buddy'
               WHEN 1 THEN 'café-crm'
               WHEN 2 THEN '日本語-docs'
               WHEN 3 THEN 'zürich-api'
               ELSE 'ops'
           END AS project,
           strftime('%Y-%m-%dT%H:%M:%SZ', '2026-01-05 10:00:00',
                    printf('+%d seconds', (n - 1) * 14400 + (n * 37 % 60) * 60 + (n * 13 % 60))) AS created_at
    FROM n
)
SELECT n,
       CASE WHEN n % 20 = 0
            THEN project || '-' || replace(replace(replace(created_at, '-', ''), ':', ''), 'Z', '')
            ELSE printf('%08x-%04x-4%03x-a%03x-%012x',
                        (n * 2654435761) % 4294967296,
                        (n * 40503 + 12345) % 65536,
                        (n * 2897 + 1231) % 4096,
                        (n * 1609 + 77) % 4096,
                        ((n * 2246822519) % 4294967296) * 65536 + (n * 3266489917) % 65536)
       END AS id,
       project,
       created_at
FROM s;

INSERT INTO sessions (id, project, created_at, summary)
SELECT id, project, created_at,
       CASE
           WHEN n % 9 = 0 THEN NULL
           WHEN n % 4 = 0 THEN printf('Session %d: fixed emoji handling 🚀 in the exporter', n)
           WHEN n % 4 = 1 THEN printf('Session %d: refactored the parser — naïve approach replaced', n)
           WHEN n % 4 = 2 THEN printf('Session %d: 日本語のドキュメントを更新', n)
           ELSE printf('Session %d: reviewed PR #%d, "quotes" and commas, ok', n, 100 + n)
       END
FROM seed_sessions
ORDER BY n;

-- 1000 reflections, 5 per session, written 10..59 minutes after their session started.
INSERT INTO reflections (id, session_id, body, created_at, score)
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 1000)
SELECT r.n,
       s.id,
       CASE r.n % 6
           WHEN 0 THEN 'Learned: keep migrations idempotent.'
           WHEN 1 THEN 'Café-driven debugging works; écrire les tests d''abord.'
           WHEN 2 THEN '振り返り: テストを先に書く'
           WHEN 3 THEN 'Too many context switches 😅'
           WHEN 4 THEN NULL
           ELSE printf('Reflection %d on %s', r.n, s.project)
       END,
       strftime('%Y-%m-%dT%H:%M:%SZ', s.created_at, printf('+%d minutes', 10 + r.n % 50)),
       CASE WHEN r.n % 17 = 0 THEN NULL ELSE (r.n % 97) / 7.0 END
FROM r
JOIN seed_sessions s ON s.n = (r.n * 7) % 200 + 1
ORDER BY r.n;

-- 2000 conversation turns; every 25th has no session (session_id NULL).
INSERT INTO conversations (id, session_id, role, content, tokens)
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000)
SELECT c.n,
       CASE WHEN c.n % 25 = 0 THEN NULL ELSE s.id END,
       CASE c.n % 4 WHEN 0 THEN 'user' WHEN 1 THEN 'assistant' WHEN 2 THEN 'tool' ELSE 'system' END,
       CASE c.n % 5
           WHEN 0 THEN printf('Turn %d: how do I re-key sessions to ULIDs?', c.n)
           WHEN 1 THEN printf('Turn %d: children follow through the id map — über simple.', c.n)
           WHEN 2 THEN printf('Turn %d: 了解しました', c.n)
           WHEN 3 THEN printf('Turn %d: {"tool": "sqlite", "ok": true} ✅', c.n)
           ELSE ''
       END,
       CASE WHEN c.n % 31 = 0 THEN NULL ELSE c.n * 53 % 900 + 10 END
FROM c
JOIN seed_sessions s ON s.n = (c.n * 13) % 200 + 1
ORDER BY c.n;

DROP TABLE seed_sessions;

COMMIT;
