package bot

import (
	"strings"
	"testing"
)

func TestCutChannel(t *testing.T) {
	tests := []struct {
		name, in       string
		id, label, out string
		ok             bool
		err            string
	}{
		{"mention with its name", "add <#C0123ABCD|quiz-berlin> tz=Europe/Berlin", "C0123ABCD", "quiz-berlin", "add tz=Europe/Berlin", true, ""},
		{"mention without a name", "week <#C0123ABCD>", "C0123ABCD", "", "week", true, ""},
		{"private channel", "<#G0123ABCD|secret>", "G0123ABCD", "secret", "", true, ""},
		{"bare channel ID", "C0123ABCD post=off", "C0123ABCD", "", "post=off", true, ""},
		{"none", "all", "", "", "all", false, ""},
		{"plain text channel", "week #quiz", "", "", "week #quiz", false, "plain text"},
		{"a user is no channel", "<#U0123ABCD>", "", "", "<#U0123ABCD>", false, "not a channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, rest, ok, err := cutChannel(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil || ok != tt.ok || ref.ID != tt.id || ref.Name != tt.label || rest != tt.out {
				t.Errorf("cutChannel(%q) = %+v, %q, %v, %v; want %s|%s, %q, %v", tt.in, ref, rest, ok, err, tt.id, tt.label, tt.out, tt.ok)
			}
		})
	}
}

func TestParseChannelSettings(t *testing.T) {
	str := func(p *string) string {
		if p == nil {
			return "<unset>"
		}
		return *p
	}
	tests := []struct {
		name, in              string
		post, close, tz, exam string
		err                   string
	}{
		{"quoted", `post="0 9 * * MON-FRI" close="0 17 * * MON-FRI" tz=Europe/Berlin exam=2027-02-01`,
			"0 9 * * MON-FRI", "0 17 * * MON-FRI", "Europe/Berlin", "2027-02-01", ""},
		{"unquoted cron runs to the next setting", `post=0 9 * * MON-FRI tz=UTC`, "0 9 * * MON-FRI", "<unset>", "UTC", "<unset>", ""},
		{"curly quotes and upper case names", "POST=“30 8 * * *” Exam: 2027-03-01", "30 8 * * *", "<unset>", "<unset>", "2027-03-01", ""},
		{"aliases", "schedule=@daily zone=Asia/Tokyo date=2027-01-02", "@daily", "<unset>", "Asia/Tokyo", "2027-01-02", ""},
		{"empty", "", "<unset>", "<unset>", "<unset>", "<unset>", ""},
		{"unknown name", "post=@daily colour=red", "", "", "", "", `unknown setting "colour"`},
		{"words before the settings", "please post=@daily", "", "", "", "", `"please" is not a setting`},
		{"no settings at all", "every morning", "", "", "", "", "name=value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := parseChannelSettings(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := []string{str(s.post), str(s.close), str(s.tz), str(s.exam)}; strings.Join(got, "|") != strings.Join([]string{tt.post, tt.close, tt.tz, tt.exam}, "|") {
				t.Errorf("settings = %q", got)
			}
		})
	}
	if v := scheduleValue("  OFF "); v != "" {
		t.Errorf("off = %q, want no schedule", v)
	}
	if v := scheduleValue("0  9 *  * *"); v != "0 9 * * *" {
		t.Errorf("spaces not normalised: %q", v)
	}
}
