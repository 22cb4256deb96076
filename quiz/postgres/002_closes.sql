-- Schema version 2: how far each round's close got (bot.CloseLog):
-- "pending" until its answer is out, a mark while it is being posted, then
-- the answer's message timestamp.
CREATE TABLE closes (
	round_id text PRIMARY KEY,
	state    text NOT NULL
);
CREATE INDEX closes_pending ON closes (round_id) WHERE state = 'pending';
