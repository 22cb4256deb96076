package quiz

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrBadChannel is wrapped by the errors of quiz channel settings that
// cannot be used (no ID, an unknown time zone, a malformed exam date).
var ErrBadChannel = errors.New("quiz: invalid quiz channel")

// Channel is a quiz channel: where the question of the day is posted, on
// which schedule, in which time zone, before which exam. Admins set them in
// Slack and the Store keeps them; the environment's channel
// (DEVOPSBOT_QUIZ_CHANNEL and its settings) is the default, present even
// with none stored, and a stored channel with the same ID overrides it
// whole.
//
// The schedules are cron specs kept as typed: the scheduler (package bot)
// parses them, this package only stores them.
type Channel struct {
	ID       string    `json:"id"`                  // Slack channel ID, "C0123ABCD"
	Name     string    `json:"name,omitempty"`      // its name when last set, for display ("quiz-berlin")
	Post     string    `json:"post"`                // cron spec of the posts; "" posts only on `quiz post`
	Close    string    `json:"close"`               // cron spec of the closes; "" closes on the next post or `quiz close`
	TZ       string    `json:"tz"`                  // IANA zone of the schedules and days; "" means UTC
	ExamDate string    `json:"exam_date,omitempty"` // YYYY-MM-DD; "" for none
	By       string    `json:"by,omitempty"`        // the admin who set it (Slack user ID)
	At       time.Time `json:"at"`                  // when it was set; zero for the default
	// Default marks the environment's channel (not stored); set by
	// Engine.QuizChannels only.
	Default bool `json:"-"`
}

// Location returns the channel's time zone (UTC when TZ is "").
func (c Channel) Location() (*time.Location, error) {
	if c.TZ == "" || c.TZ == "UTC" {
		return time.UTC, nil
	}
	if c.TZ == "Local" || strings.HasPrefix(c.TZ, "/") {
		return nil, fmt.Errorf("time zone %q: want an IANA name like Europe/Berlin or UTC: %w", c.TZ, ErrBadChannel)
	}
	loc, err := time.LoadLocation(c.TZ)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q (want an IANA name like Europe/Berlin or UTC): %w", c.TZ, ErrBadChannel)
	}
	return loc, nil
}

// Exam returns the channel's exam date (midnight in its zone) and whether
// one is set.
func (c Channel) Exam() (time.Time, bool, error) {
	if c.ExamDate == "" {
		return time.Time{}, false, nil
	}
	loc, err := c.Location()
	if err != nil {
		return time.Time{}, false, err
	}
	d, err := time.ParseInLocation(time.DateOnly, c.ExamDate, loc)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("exam date %q: want YYYY-MM-DD, like 2027-02-01: %w", c.ExamDate, ErrBadChannel)
	}
	return d, true, nil
}

// Check reports why c cannot be stored: no ID, an unknown zone or a
// malformed exam date. The cron specs are the scheduler's to check.
func (c Channel) Check() error {
	if strings.TrimSpace(c.ID) == "" {
		return fmt.Errorf("no channel ID: %w", ErrBadChannel)
	}
	if _, err := c.Location(); err != nil {
		return err
	}
	_, _, err := c.Exam()
	return err
}

// Same reports whether c and o have the same settings (ID, schedules, zone
// and exam date; not who set them or when).
func (c Channel) Same(o Channel) bool {
	return c.ID == o.ID && c.Post == o.Post && c.Close == o.Close && c.TZ == o.TZ && c.ExamDate == o.ExamDate
}

// QuizChannels returns the quiz channels ordered by ID: the stored ones,
// and the default channel (Options.Channel, marked Default) unless a
// stored one has its ID.
func (e *Engine) QuizChannels(ctx context.Context) ([]Channel, error) {
	cs, err := e.store.Channels(ctx)
	if err != nil {
		return nil, fmt.Errorf("quiz channels: %w", err)
	}
	if def := e.opts.Channel; def.ID != "" && !slices.ContainsFunc(cs, func(c Channel) bool { return c.ID == def.ID }) {
		def.Default = true
		cs = append(cs, def)
		slices.SortFunc(cs, func(a, b Channel) int { return cmp.Compare(a.ID, b.ID) })
	}
	return cs, nil
}

// QuizChannel returns the quiz channel id (stored, or the default) and
// whether there is one.
func (e *Engine) QuizChannel(ctx context.Context, id string) (Channel, bool, error) {
	cs, err := e.QuizChannels(ctx)
	if err != nil {
		return Channel{}, false, err
	}
	for _, c := range cs {
		if c.ID == id {
			return c, true, nil
		}
	}
	return Channel{}, false, nil
}

// SetQuizChannel stores c, replacing the stored channel with its ID; At is
// set to now when zero. It refuses settings Check refuses.
func (e *Engine) SetQuizChannel(ctx context.Context, c Channel) (Channel, error) {
	if err := c.Check(); err != nil {
		return Channel{}, fmt.Errorf("set quiz channel %s: %w", c.ID, err)
	}
	c.Default = false
	if c.At.IsZero() {
		c.At = e.now()
	}
	if err := e.store.PutChannel(ctx, c); err != nil {
		return Channel{}, fmt.Errorf("set quiz channel %s: %w", c.ID, err)
	}
	e.lg.Info("quiz.Engine set quiz channel", "channel", c.ID, "post", c.Post, "close", c.Close,
		"tz", c.TZ, "exam_date", c.ExamDate, "by", c.By)
	return c, nil
}

// RemoveQuizChannel deletes the stored quiz channel id; false when none was
// stored. The default channel stays (with the environment's settings).
func (e *Engine) RemoveQuizChannel(ctx context.Context, id string) (bool, error) {
	ok, err := e.store.DeleteChannel(ctx, id)
	if err != nil {
		return false, fmt.Errorf("remove quiz channel %s: %w", id, err)
	}
	if ok {
		e.lg.Info("quiz.Engine remove quiz channel", "channel", id)
	}
	return ok, nil
}
