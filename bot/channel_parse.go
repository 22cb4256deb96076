package bot

import (
	"errors"
	"fmt"
	"strings"
)

// quizChannelID reports whether s looks like the ID of a channel that can
// be a quiz channel: public (C0123ABC) or private (G0123ABC), not a DM.
func quizChannelID(s string) bool { return idWith(s, "CG") }

// channelRef is a channel named in a command: its ID and, when Slack sent
// it, its name.
type channelRef struct{ ID, Name string }

// cutChannel finds the first channel mention in s as Slack sends it
// (<#C123|name> or <#C123>), or a bare channel ID, and returns it with s
// without it. ok is false when s names none; err is set for a channel
// typed as plain text (#quiz), which Slack did not turn into a mention.
func cutChannel(s string) (ref channelRef, rest string, ok bool, err error) {
	if i := strings.Index(s, "<#"); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			id, name, _ := strings.Cut(s[i+2:i+j], "|")
			if !quizChannelID(id) {
				return channelRef{}, s, false, fmt.Errorf("%q is not a channel I can post in", s[i:i+j+1])
			}
			return channelRef{ID: id, Name: name}, strings.TrimSpace(strings.TrimSpace(s[:i]) + " " + strings.TrimSpace(s[i+j+1:])), true, nil
		}
	}
	for _, w := range strings.Fields(s) {
		if quizChannelID(w) && !strings.Contains(w, "=") {
			i := strings.Index(s, w)
			return channelRef{ID: w}, strings.TrimSpace(strings.TrimSpace(s[:i]) + " " + strings.TrimSpace(s[i+len(w):])), true, nil
		}
		if strings.HasPrefix(w, "#") && len(w) > 1 {
			return channelRef{}, s, false, fmt.Errorf("%s reached me as plain text: pick the channel from the list Slack offers when you type #, so it becomes a link", w)
		}
	}
	return channelRef{}, s, false, nil
}

// channelSettings are the settings typed after `admin channel add|set`;
// nil fields were not given.
type channelSettings struct {
	post, close, tz, exam *string
}

// channelKeys maps each accepted setting name to the one it stands for.
var channelKeys = map[string]string{
	"post": "post", "posts": "post", "schedule": "post", "open": "post",
	"close": "close", "closes": "close",
	"tz": "tz", "zone": "tz", "timezone": "tz", "time_zone": "tz",
	"exam": "exam", "exam_date": "exam", "examdate": "exam", "date": "exam",
}

// field returns the field of the setting named key (a value of channelKeys).
func (s *channelSettings) field(key string) **string {
	switch key {
	case "post":
		return &s.post
	case "close":
		return &s.close
	case "tz":
		return &s.tz
	default:
		return &s.exam
	}
}

// errSettingsSyntax explains how settings are typed.
var errSettingsSyntax = errors.New(`settings are typed as name=value: post="0 9 * * MON-FRI" close="0 17 * * MON-FRI" tz=Europe/Berlin exam=2027-02-01`)

// parseChannelSettings reads name=value pairs (also name: value). A value
// runs to the next name=, so quotes around a cron spec are optional;
// straight and curly quotes are removed. Names are case-insensitive.
func parseChannelSettings(s string) (channelSettings, error) {
	var out channelSettings
	s = strings.TrimSpace(s)
	if s == "" {
		return out, nil
	}
	var keys []settingKey
	for i := 0; i < len(s); i++ {
		if s[i] != '=' && s[i] != ':' {
			continue
		}
		j := i
		for j > 0 && isKeyByte(s[j-1]) {
			j--
		}
		if j == i || (j > 0 && s[j-1] != ' ') {
			continue
		}
		if _, known := channelKeys[strings.ToLower(s[j:i])]; known || s[i] == '=' {
			keys = append(keys, settingKey{strings.ToLower(s[j:i]), j, i + 1})
		}
	}
	if len(keys) == 0 {
		return out, fmt.Errorf("%q is not a setting: %w", s, errSettingsSyntax)
	}
	if before := strings.TrimSpace(s[:keys[0].start]); before != "" {
		return out, fmt.Errorf("%q is not a setting: %w", before, errSettingsSyntax)
	}
	for i, k := range keys {
		key, ok := channelKeys[k.name]
		if !ok {
			return out, fmt.Errorf("unknown setting %q: use post=, close=, tz= or exam=", k.name)
		}
		end := len(s)
		if i+1 < len(keys) {
			end = keys[i+1].start
		}
		v := strings.Trim(strings.TrimSpace(s[k.end:end]), "\"'“”‘’`")
		*out.field(key) = &v
	}
	return out, nil
}

func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// settingKey is a "name=" found in the settings text.
type settingKey struct {
	name       string
	start, end int // of "name=" in the text
}

// scheduleValue turns a typed schedule into the stored one: "off", "none",
// "manual", "never" and "-" mean not scheduled ("").
func scheduleValue(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "off", "none", "manual", "never", "-":
		return ""
	}
	return strings.Join(strings.Fields(v), " ")
}

// examValue turns a typed exam date into the stored one: "none", "off" and
// "-" clear it.
func examValue(v string) string {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "off", "none", "-":
		return ""
	}
	return strings.TrimSpace(v)
}
