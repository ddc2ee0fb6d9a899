-- The floor's keys, built after the load (bench/postgres.sh): primary keys, the source's two
-- indexes, foreign keys, and each identity sequence moved past the highest copied id.
ALTER TABLE sessions ADD PRIMARY KEY (id);
ALTER TABLE agents ADD PRIMARY KEY (id);
ALTER TABLE events ADD PRIMARY KEY (id);
CREATE INDEX ix_events_agent_id ON events (agent_id);
CREATE INDEX ix_events_ts ON events (ts);
ALTER TABLE agents ADD CONSTRAINT agents_session_id_fkey FOREIGN KEY (session_id) REFERENCES sessions (id);
ALTER TABLE events ADD CONSTRAINT events_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES agents (id);
SELECT setval(pg_get_serial_sequence('agents', 'id'), max(id)) FROM agents;
SELECT setval(pg_get_serial_sequence('events', 'id'), max(id)) FROM events;
