package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"
)

// File is a file to send someone: its name (with extension), the title
// Slack shows, the message that goes with it and its bytes.
type File struct {
	Name, Title, Comment string
	Content              []byte
}

// Files sends a file privately to a person; *Slack implements it. The
// router uses it for `admin export`; nil where files cannot be sent (the
// console).
type Files interface {
	SendFile(ctx context.Context, user string, f File) error
}

var _ Files = (*Slack)(nil)

// OpenDM returns the ID of the bot's direct message channel with user
// (conversations.open; the im:write scope).
func (s *Slack) OpenDM(ctx context.Context, user string) (string, error) {
	var ch *slack.Channel
	err := s.call(ctx, "conversations.open", true, func(ctx context.Context) error {
		var err error
		ch, _, _, err = s.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("conversations.open: %w", err)
	}
	if ch == nil || ch.ID == "" {
		return "", errors.New("conversations.open: no channel in the answer")
	}
	return ch.ID, nil
}

// SendDM posts r in the bot's direct message with user.
func (s *Slack) SendDM(ctx context.Context, user string, r Response) error {
	dm, err := s.OpenDM(ctx, user)
	if err != nil {
		return err
	}
	_, err = s.Post(ctx, dm, "", r)
	return err
}

// SendFile uploads f into the bot's direct message with user, the way
// Slack asks for since files.upload was retired: files.getUploadURLExternal
// announces it, its bytes go to the URL that returns, and
// files.completeUploadExternal shares it (the files:write scope). The
// first two steps are safe to repeat; sharing is not (it posts).
func (s *Slack) SendFile(ctx context.Context, user string, f File) error {
	if len(f.Content) == 0 {
		return errors.New("send file: empty file")
	}
	dm, err := s.OpenDM(ctx, user)
	if err != nil {
		return fmt.Errorf("send file: %w", err)
	}
	var up *slack.GetUploadURLExternalResponse
	err = s.call(ctx, "files.getUploadURLExternal", true, func(ctx context.Context) error {
		var err error
		up, err = s.api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{
			FileName: f.Name, FileSize: len(f.Content)})
		return err
	})
	if err != nil {
		return fmt.Errorf("send file: files.getUploadURLExternal: %w", err)
	}
	// The upload URL is a credential of sorts: it never reaches the logs.
	err = s.callGated(ctx, "upload", "upload", true, func(ctx context.Context) error {
		return hideURL(s.api.UploadToURL(ctx, slack.UploadToURLParameters{
			UploadURL: up.UploadURL, Reader: bytes.NewReader(f.Content), Filename: f.Name}))
	})
	if err != nil {
		return fmt.Errorf("send file: upload: %w", err)
	}
	err = s.call(ctx, "files.completeUploadExternal", false, func(ctx context.Context) error {
		_, err := s.api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{
			Files: []slack.FileSummary{{ID: up.FileID, Title: f.Title}}, Channel: dm, InitialComment: f.Comment})
		return err
	})
	if err != nil {
		return fmt.Errorf("send file: files.completeUploadExternal: %w", err)
	}
	return nil
}
