package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
)

// newLogger returns the process logger writing to w (os.Stderr in main):
// JSON lines when w is not a terminal (containers, files, pipes), readable
// text on a terminal. Every record goes through redactHandler, so Slack
// tokens and the configured secrets never reach the output, whatever the
// caller logs. Level is Info.
func newLogger(w io.Writer, cfg Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	var h slog.Handler
	if isTerminal(w) {
		h = slog.NewTextHandler(w, opts)
	} else {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(redactHandler(h, cfg))
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
// token (xoxb-…, xoxp-…, xapp-…) keeps only its prefix, and the exact values
// of cfg's secrets (bot token, app token, signing secret) become [REDACTED].
// Use it around any handler, e.g. a test's slog.NewTextHandler(&buf, nil).
func redactHandler(h slog.Handler, cfg Config) slog.Handler {
	var pairs []string
	for _, s := range []string{cfg.BotToken, cfg.AppToken, cfg.SigningSecret} {
		s = strings.TrimSpace(s)
		if len(s) >= 4 {
			// Keep a Slack token's type prefix: "xoxb-[REDACTED]" tells
			// which token was involved without revealing it.
			pairs = append(pairs, s, slackTokenPrefix.FindString(s)+redacted)
		}
	}
	r := &redactor{}
	if len(pairs) > 0 {
		r.secrets = strings.NewReplacer(pairs...)
	}
	return &redactingHandler{inner: h, r: r}
}

// tokenShape matches Slack tokens of every type, including rotated ones.
var tokenShape = regexp.MustCompile(`(xox[a-z]|xapp|xoxe\.xox[a-z]|xoxe)-[A-Za-z0-9-]+`)

const redacted = "[REDACTED]"

type redactor struct {
	secrets *strings.Replacer // configured secret values; nil if none
}

// str scrubs one string.
func (r *redactor) str(s string) string {
	if r.secrets != nil {
		s = r.secrets.Replace(s)
	}
	if strings.Contains(s, "x") { // cheap pre-check: every token starts with x
		s = tokenShape.ReplaceAllString(s, "$1-"+redacted)
	}
	return s
}

func (r *redactor) dirty(s string) bool { return r.str(s) != s }

// value scrubs one resolved value, keeping its kind when it is clean.
func (r *redactor) value(v slog.Value) slog.Value {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.StringValue(r.str(v.String()))
	case slog.KindGroup:
		attrs := v.Group()
		out := make([]slog.Attr, len(attrs))
		for i, a := range attrs {
			out[i] = r.attr(a)
		}
		return slog.GroupValue(out...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case nil:
			return v
		case error:
			if s := x.Error(); r.dirty(s) {
				return slog.StringValue(r.str(s))
			}
			return v
		case []byte:
			if s := string(x); r.dirty(s) {
				return slog.StringValue(r.str(s))
			}
			return v
		default:
			// Handlers print structs with fmt (text) or encoding/json (JSON);
			// check both renderings and fall back to a scrubbed string.
			s := fmt.Sprintf("%+v", x)
			if r.dirty(s) {
				return slog.StringValue(r.str(s))
			}
			if b, err := json.Marshal(x); err == nil && r.dirty(string(b)) {
				return slog.StringValue(r.str(string(b)))
			}
			return v
		}
	default: // numbers, bools, times, durations carry no secrets
		return v
	}
}

func (r *redactor) attr(a slog.Attr) slog.Attr {
	return slog.Attr{Key: r.str(a.Key), Value: r.value(a.Value)}
}

type redactingHandler struct {
	inner slog.Handler
	r     *redactor
}

func (h *redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.str(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.r.attr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.r.attr(a)
	}
	return &redactingHandler{inner: h.inner.WithAttrs(clean), r: h.r}
}

func (h *redactingHandler) WithGroup(name string) slog.Handler {
	return &redactingHandler{inner: h.inner.WithGroup(h.r.str(name)), r: h.r}
}
