package bot

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"
)

// PublishHome publishes r as user's App Home tab (views.publish). A
// publish replaces the whole view, so it is safe to retry.
func (s *Slack) PublishHome(ctx context.Context, user string, r Response) error {
	req := slack.PublishViewContextRequest{UserID: user, View: slack.HomeTabViewRequest{
		Type:   slack.VTHomeTab,
		Blocks: slack.Blocks{BlockSet: renderView(r)},
	}}
	err := s.call(ctx, "views.publish", true, func(ctx context.Context) error {
		_, err := s.api.PublishViewContext(ctx, req)
		return err
	})
	if err != nil {
		return fmt.Errorf("views.publish: %w", err)
	}
	return nil
}

// maxLinks bounds the permalinks kept; the Home tab only asks for the
// latest question of the day's, so a handful is plenty.
const maxLinks = 64

// Permalink returns a link to the message at ts in channel
// (chat.getPermalink, which needs no scope), asking Slack once per
// message: the link never changes.
func (s *Slack) Permalink(ctx context.Context, channel, ts string) (string, error) {
	key := channel + "/" + ts
	s.linkMu.Lock()
	u, ok := s.links[key]
	s.linkMu.Unlock()
	if ok {
		return u, nil
	}
	err := s.call(ctx, "chat.getPermalink", true, func(ctx context.Context) error {
		var err error
		u, err = s.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("chat.getPermalink: %w", err)
	}
	s.linkMu.Lock()
	defer s.linkMu.Unlock()
	if s.links == nil || len(s.links) >= maxLinks {
		s.links = map[string]string{}
	}
	s.links[key] = u
	return u, nil
}
