package bot

import (
	"context"
	"time"
)

// publishHome builds user's Home tab and publishes it, when they open it
// and after they answer; it runs in the background (a task bounded by the
// dispatcher's timeout), never before an acknowledgement. Publishes for one
// person are built in order and coalesced, so an older view never replaces
// a newer one. Failures are logged and counted (the command metric, and
// the Slack error metric by method).
func (d *Dispatcher) publishHome(ctx context.Context, transport, user string) {
	start := time.Now()
	rctx, o := withOutcome(ctx)
	key := "home/" + user
	unlock := d.clicks.lock(key)
	resp := d.r.Home(rctx, user)
	send := d.slack.updates.push(key, resp, func(ctx context.Context, r Response) error {
		return d.slack.PublishHome(ctx, user, r)
	})
	unlock()
	err := send(ctx)
	outcome := *o
	if err != nil {
		outcome = OutcomeError
		d.lg.Error("bot.Dispatcher home not published", "transport", transport, "err", err)
	}
	d.m.Command(CommandHome, outcome)
	d.lg.Info("bot.Dispatcher home", "transport", transport, "outcome", outcome, "latency_ms", msSince(start))
}
