package deploy

import (
	"os"
	"path/filepath"
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
