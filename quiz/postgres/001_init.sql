-- Schema version 1 of the devopsbot quiz store.
-- Times are Unix nanoseconds (bigint): Go keeps nanoseconds and the store
-- must give back exactly what it was given; timestamptz keeps microseconds.

CREATE TABLE rounds (
	id         text PRIMARY KEY,
	question   jsonb NOT NULL,
	channel    text NOT NULL DEFAULT '',
	message_ts text NOT NULL DEFAULT '',
	opened_ns  bigint NOT NULL,
	closed_ns  bigint -- NULL while open
);
CREATE INDEX rounds_by_opening ON rounds (opened_ns, id);

-- Every answer, round and practice; seq is the recording order.
CREATE TABLE answers (
	seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	round    text REFERENCES rounds (id), -- NULL for practice
	user_id  text NOT NULL,
	question text NOT NULL,
	choice   integer NOT NULL,
	correct  boolean NOT NULL,
	points   integer NOT NULL,
	at_ns    bigint NOT NULL,
	doc      text NOT NULL DEFAULT '',
	section  text NOT NULL DEFAULT '',
	domains  smallint[] NOT NULL DEFAULT '{}'
);
-- One answer per person per round.
CREATE UNIQUE INDEX answers_one_per_round ON answers (round, user_id) WHERE round IS NOT NULL;
CREATE INDEX answers_by_time ON answers (at_ns, seq);
CREATE INDEX answers_by_user ON answers (user_id, at_ns, seq);

-- Leitner cards, one per person per question.
CREATE TABLE cards (
	user_id      text NOT NULL,
	question     text NOT NULL,
	box          integer NOT NULL,
	due_ns       bigint,
	pending      boolean NOT NULL,
	seen         integer NOT NULL,
	right_count  integer NOT NULL,
	last_choice  integer NOT NULL,
	last_correct boolean NOT NULL,
	last_ns      bigint,
	PRIMARY KEY (user_id, question)
);

-- Question flags, one per person per question.
CREATE TABLE flags (
	question text NOT NULL,
	user_id  text NOT NULL,
	reason   text NOT NULL,
	admin    boolean NOT NULL,
	at_ns    bigint NOT NULL,
	PRIMARY KEY (question, user_id)
);

-- Slack event IDs handled recently (retries are answered once).
CREATE TABLE events (
	id      text PRIMARY KEY,
	seen_ns bigint NOT NULL
);
CREATE INDEX events_by_age ON events (seen_ns);

-- Signed requests seen, until their signature goes stale (replays refused).
CREATE TABLE requests (
	key        bytea PRIMARY KEY,
	expires_ns bigint NOT NULL
);
CREATE INDEX requests_by_expiry ON requests (expires_ns);
