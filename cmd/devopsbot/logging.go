package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// newLogger returns the process logger writing to w (os.Stderr in main):
// JSON lines when w is not a terminal (containers, files, pipes), readable
// text on a terminal. Every record goes through redactHandler, so Slack
// tokens and the configured secrets never reach the output, whatever the
// caller logs. Level is Info. Lines are written in batches by the returned
// logWriter (records at ERROR and above at once): Close it before exiting.
func newLogger(w io.Writer, cfg Config) (*slog.Logger, *logWriter) {
	lw := newLogWriter(w, defaultLogBuffering)
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	var h slog.Handler
	if isTerminal(w) {
		h = slog.NewTextHandler(lw, opts)
	} else {
		h = slog.NewJSONHandler(lw, opts)
	}
	return slog.New(redactHandler(syncOnError{Handler: h, w: lw}, cfg)), lw
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// redactHandler wraps h so that the message and every attribute value
// (strings, errors, structs, byte slices, nested groups, attributes added
// with With) are scrubbed before h sees them: anything shaped like a Slack
// token (xoxb-…, xoxp-…, xapp-…) keeps only its prefix, the exact values of
// cfg's secrets (bot token, app token, signing secret, the database URL's
// password) become [REDACTED],
// and so does the secret part of response_url and webhook URLs.
// Use it around any handler, e.g. a test's slog.NewTextHandler(&buf, nil).
func redactHandler(h slog.Handler, cfg Config) slog.Handler {
	r := &redactor{}
	var pairs []string
	for _, s := range append([]string{cfg.BotToken, cfg.AppToken, cfg.SigningSecret}, urlPasswords(cfg.DB)...) {
		s = strings.TrimSpace(s)
		if len(s) >= 4 {
			// Keep a Slack token's type prefix: "xoxb-[REDACTED]" tells
			// which token was involved without revealing it.
			pairs = append(pairs, s, slackTokenPrefix.FindString(s)+redacted)
			r.values = append(r.values, s)
		}
	}
	if len(pairs) > 0 {
		r.replacer = strings.NewReplacer(pairs...)
	}
	return &redactingHandler{inner: h, r: r}
}

// urlPasswords returns the passwords a database URL carries (in its user
// part or its password and sslpassword parameters), to be redacted.
func urlPasswords(s string) []string {
	u, err := url.Parse(s)
	if err != nil || !strings.Contains(s, "://") {
		return nil
	}
	var out []string
	if p, ok := u.User.Password(); ok {
		out = append(out, p)
	}
	q := u.Query()
	for _, k := range []string{"password", "sslpassword"} {
		if p := q.Get(k); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// tokenShape matches Slack tokens of every type, including rotated ones.
var tokenShape = regexp.MustCompile(`(xox[a-z]|xapp|xoxe\.xox[a-z]|xoxe)-[A-Za-z0-9-]+`)

// hookURL matches response_url and incoming webhook URLs: whoever has one
// can post with it for a while, so only the kind of URL is kept.
var hookURL = regexp.MustCompile(`(hooks\.slack\.com/(?:actions|commands|services|workflows)/)[^\s"'<>]+`)

const redacted = "[REDACTED]"

type redactor struct {
	values   []string          // configured secret values
	replacer *strings.Replacer // replaces values; nil if none
}

// str scrubs one string. Clean strings, the common case, cost a few
// substring searches and no allocation.
func (r *redactor) str(s string) string {
	for _, v := range r.values {
		if strings.Contains(s, v) {
			s = r.replacer.Replace(s)
			break
		}
	}
	if strings.Contains(s, "xox") || strings.Contains(s, "xapp-") {
		s = tokenShape.ReplaceAllString(s, "$1-"+redacted)
	}
	if strings.Contains(s, "hooks.slack.com/") {
		s = hookURL.ReplaceAllString(s, "${1}"+redacted)
	}
	return s
}

func (r *redactor) dirty(s string) bool { return r.str(s) != s }

// value scrubs one value, keeping its kind when it is clean; changed says
// whether anything was replaced.
func (r *redactor) value(v slog.Value) (out slog.Value, changed bool) {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		s := r.str(v.String())
		return slog.StringValue(s), s != v.String()
	case slog.KindGroup:
		attrs := v.Group()
		clean := make([]slog.Attr, len(attrs))
		for i, a := range attrs {
			var c bool
			clean[i], c = r.attr(a)
			changed = changed || c
		}
		return slog.GroupValue(clean...), changed
	case slog.KindAny:
		var s string
		switch x := v.Any().(type) {
		case nil:
			return v, false
		case error:
			s = x.Error()
		case []byte:
			s = string(x)
		default:
			// Handlers print values with fmt (text) or encoding/json
			// (JSON); check both renderings.
			s = fmt.Sprintf("%+v", x)
			if !r.dirty(s) {
				b, err := json.Marshal(x)
				if err != nil || !r.dirty(string(b)) {
					return v, false
				}
				s = string(b)
			}
		}
		if clean := r.str(s); clean != s {
			return slog.StringValue(clean), true
		}
		return v, false
	default: // numbers, bools, times, durations carry no secrets
		return v, false
	}
}

func (r *redactor) attr(a slog.Attr) (slog.Attr, bool) {
	key := r.str(a.Key)
	v, changed := r.value(a.Value)
	return slog.Attr{Key: key, Value: v}, changed || key != a.Key
}

type redactingHandler struct {
	inner slog.Handler
	r     *redactor
}

func (h *redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	msg := h.r.str(rec.Message)
	var buf [8]slog.Attr
	attrs := buf[:0]
	changed := msg != rec.Message
	rec.Attrs(func(a slog.Attr) bool {
		c, ch := h.r.attr(a)
		changed = changed || ch
		attrs = append(attrs, c)
		return true
	})
	if !changed {
		return h.inner.Handle(ctx, rec)
	}
	out := slog.NewRecord(rec.Time, rec.Level, msg, rec.PC)
	out.AddAttrs(attrs...)
	return h.inner.Handle(ctx, out)
}

func (h *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i], _ = h.r.attr(a)
	}
	return &redactingHandler{inner: h.inner.WithAttrs(clean), r: h.r}
}

func (h *redactingHandler) WithGroup(name string) slog.Handler {
	return &redactingHandler{inner: h.inner.WithGroup(h.r.str(name)), r: h.r}
}
