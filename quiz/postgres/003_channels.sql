-- Schema version 3: the quiz channels admins set in Slack (quiz.Channel):
-- where the question of the day is posted, on which schedules (cron specs
-- as typed), in which zone and before which exam. Every replica's
-- scheduler reads the whole table each minute; it holds a few rows.
CREATE TABLE quiz_channels (
	id        text PRIMARY KEY,
	name      text NOT NULL DEFAULT '',
	post      text NOT NULL DEFAULT '',
	close     text NOT NULL DEFAULT '',
	tz        text NOT NULL DEFAULT '',
	exam_date text NOT NULL DEFAULT '',
	set_by    text NOT NULL DEFAULT '',
	at_ns     bigint -- when it was set; NULL when not given
);
