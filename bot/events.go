package bot

import (
	"context"
	"encoding/json"
	"time"
)

// eventEnvelope is the outer Events API envelope (over HTTP it is the
// request body; in Socket Mode the envelope's payload).
type eventEnvelope struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

// innerEvent holds the fields of app_mention, message and app_home_opened
// events the bot uses.
type innerEvent struct {
	Type        string `json:"type"`
	SubType     string `json:"subtype"`
	User        string `json:"user"`
	BotID       string `json:"bot_id"`
	Text        string `json:"text"`
	TS          string `json:"ts"`
	ThreadTS    string `json:"thread_ts"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	Tab         string `json:"tab"` // app_home_opened: "home" or "messages"
}

// EventLog remembers handled Slack event IDs across restarts; the embedded
// store implements it. FirstDelivery records id and reports whether it was
// not seen within ttl before now.
type EventLog interface {
	FirstDelivery(ctx context.Context, id string, now time.Time, ttl time.Duration) (bool, error)
}

// eventTTL is how long an event ID is remembered: Slack retries a delivery
// within minutes.
const eventTTL = time.Hour

// firstDelivery reports whether an event ID has not been seen before
// (within an hour): Slack retries a delivery it thinks failed with the same
// event_id, whatever X-Slack-Retry-Num says. An empty ID is always new. The
// event log, when set, also catches a retry that arrives after a restart;
// when it cannot be written, the in-memory answer stands.
func (d *Dispatcher) firstDelivery(ctx context.Context, eventID string) bool {
	if eventID == "" {
		return true
	}
	now := time.Now()
	if !d.seen.add(eventID, now) {
		return false
	}
	if d.events == nil {
		return true
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	first, err := d.events.FirstDelivery(ctx, eventID, now, eventTTL)
	if err != nil {
		d.lg.Warn("bot.Dispatcher event log", "err", err)
		return true
	}
	return first
}
