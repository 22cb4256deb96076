package bot

import (
	"context"
	"strings"
	"testing"
)

func TestSubcommandTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range subcommands {
		if seen[c.name] {
			t.Errorf("%q declared twice", c.name)
		}
		seen[c.name] = true
		if c.name == "" || c.label == "" || c.usage == "" || c.help == "" || c.run == nil {
			t.Errorf("%q lacks a name, label, usage, help or handler: %+v", c.name, c)
		}
		if !strings.HasPrefix(c.usage, c.name) {
			t.Errorf("%q: usage %q does not start with the name", c.name, c.usage)
		}
		if strings.Count(c.help, "`")%2 != 0 {
			t.Errorf("%q: unbalanced ` in help %q", c.name, c.help)
		}
		if got, _ := findSubcommand(strings.ToUpper(c.name) + " x"); got == nil || got.name != c.name {
			t.Errorf("%q x routes to %+v", c.name, got)
		}
		if got := commandName(c.name); got != c.label {
			t.Errorf("commandName(%q) = %q, want %q", c.name, got, c.label)
		}
		if closed(c.label, knownCommands) != c.label {
			t.Errorf("%q: label %q is not a known metrics label", c.name, c.label)
		}
	}
}

func TestHelpListsTheTable(t *testing.T) {
	r := newTestRouter(nil, nil, Options{Admins: []string{"UADMIN"}})
	for _, tt := range []struct {
		name, user string
		admin      bool
	}{{"admin sees every command", "UADMIN", true}, {"others do not see admin commands", "U2", false}} {
		t.Run(tt.name, func(t *testing.T) {
			text := renderPlain(r.help(tt.user, "/devops "), plainStyle{})
			for _, c := range subcommands {
				if strings.Contains(text, "/devops "+c.usage) != (!c.admin || tt.admin) {
					t.Errorf("help for %s shows %q: %v\n%s", tt.user, c.usage, !(!c.admin || tt.admin), text)
				}
			}
		})
	}
}

func TestShareRunsOnlyShareableCommands(t *testing.T) {
	r := newTestRouter(nil, nil, Options{})
	for _, c := range subcommands {
		res := r.Action(context.Background(), Action{User: "U1", Channel: "C1", MessageTS: "1",
			ActionID: ActionShare, Value: c.name + "|week"})
		refused := res.Reply != nil && strings.Contains(res.Reply.slack().Text, "no longer works")
		if refused != (c.share == nil) {
			t.Errorf("share of %q: refused %v, shareable %v", c.name, refused, c.share != nil)
		}
	}
}
