package deploy

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/devopsbot/devopsbot/bot"
)

const (
	commandsBegin = "<!-- commands:begin -->\n"
	commandsEnd   = "<!-- commands:end -->\n"
)

// usageHint is what both manifests' /devops usage_hint must say: the
// usage of every subcommand anyone may run, in the order help lists them.
func usageHint() string {
	var us []string
	for _, c := range bot.Subcommands() {
		if !c.Admin {
			us = append(us, c.Usage)
		}
	}
	return strings.Join(us, " | ")
}

// commandTable renders the README's /devops command table from
// bot.Subcommands; `quoted` commands in the help texts get "/devops ".
func commandTable() string {
	var b strings.Builder
	b.WriteString("| command | what it does |\n|---|---|\n")
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	for _, c := range bot.Subcommands() {
		help := c.Help
		if c.Admin {
			help = "admins only (`DEVOPSBOT_ADMINS`): " + help
		}
		parts := strings.Split(cell(help), "`")
		for i := 1; i < len(parts); i += 2 {
			if parts[i] != "DEVOPSBOT_ADMINS" {
				parts[i] = "/devops " + parts[i]
			}
		}
		b.WriteString("| `/devops " + cell(c.Usage) + "` | " + strings.Join(parts, "`") + " |\n")
	}
	return b.String()
}

func TestManifestUsageHintMatchesCommands(t *testing.T) {
	want := usageHint()
	for _, p := range []string{"slack-app-manifest.yaml", "slack-app-manifest-http.yaml"} {
		cmds := list(get(yamlDocs(t, p)[0], "features", "slash_commands"))
		if len(cmds) == 0 {
			t.Fatalf("%s has no slash command", p)
		}
		if got := str(get(cmds[0], "usage_hint")); got != want {
			t.Errorf("%s: /devops usage_hint is\n%q\nbot's subcommand table gives\n%q", p, got, want)
		}
	}
}

func TestREADMECommandTableMatchesCommands(t *testing.T) {
	text := readme(t)
	i, j := strings.Index(text, commandsBegin), strings.Index(text, commandsEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q ... %q markers around the /devops command table", commandsBegin, commandsEnd)
	}
	got, want := text[i+len(commandsBegin):j], commandTable()
	if got == want {
		return
	}
	if *update {
		text = text[:i+len(commandsBegin)] + want + text[j:]
		if err := os.WriteFile(filepath.Join(root, "README.md"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("README.md command table rewritten")
		return
	}
	t.Errorf("the README's /devops command table differs from the subcommand table in bot/commands.go "+
		"(go test ./deploy -run README -update rewrites it):\n--- README\n%s--- want\n%s", got, want)
}

// TestManifestShortcutsMatchTheBot: both manifests declare the two "Ask
// devopsbot" shortcuts with the callback IDs the bot answers, and
// interactivity (shortcuts arrive as interaction payloads).
func TestManifestShortcutsMatchTheBot(t *testing.T) {
	want := map[string]string{"message": bot.ShortcutAsk, "global": bot.ShortcutAskModal}
	for _, p := range []string{"slack-app-manifest.yaml", "slack-app-manifest-http.yaml"} {
		m := yamlDocs(t, p)[0]
		got := map[string]string{}
		for _, s := range list(get(m, "features", "shortcuts")) {
			kind := str(get(s, "type"))
			if _, dup := got[kind]; dup {
				t.Errorf("%s: two %s shortcuts", p, kind)
			}
			got[kind] = str(get(s, "callback_id"))
			if n, d := str(get(s, "name")), str(get(s, "description")); n == "" || len(n) > 24 || d == "" || len(d) > 150 {
				t.Errorf("%s: shortcut %q (%q): Slack wants a name of 1-24 and a description of 1-150 characters", p, n, d)
			}
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s: shortcuts %v, want %v", p, got, want)
		}
		if get(m, "settings", "interactivity", "is_enabled") != "true" {
			t.Errorf("%s: shortcuts need interactivity", p)
		}
		scopes := list(get(m, "oauth_config", "scopes", "bot"))
		if !slices.Contains(scopes, any("commands")) {
			t.Errorf("%s: shortcuts need the commands scope", p)
		}
	}
}
