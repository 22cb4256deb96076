package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"strings"
	"testing"
)

func opsRun(t *testing.T, cfg Config, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), cfg, args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func TestConfigPrintsEveryVariableWithSecretsMasked(t *testing.T) {
	cfg := opsDefaultConfig(t)
	cfg.BotToken, cfg.AppToken, cfg.SigningSecret = opsBotToken, opsAppToken, opsSecret
	cfg.DB = "postgres://bot:hunter2@db.internal/devopsbot"
	cfg.Admins = []string{"U0123ABCD", "U0456EFGH"}
	out, _, err := opsRun(t, cfg, "config")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	for _, s := range append(opsSecretValues, "hunter2") {
		if strings.Contains(out, s) {
			t.Errorf("config output leaks %q:\n%s", s, out)
		}
	}
	for _, want := range []string{
		"# mode: Slack: Socket Mode and HTTP Request URLs\n",
		"SLACK_BOT_TOKEN=xoxb-****\n",
		"SLACK_APP_TOKEN=xapp-****\n",
		"SLACK_SIGNING_SECRET=****\n",
		"DEVOPSBOT_ADMINS=U0123ABCD,U0456EFGH\n",
		"DEVOPSBOT_QUIZ_SCHEDULE=0 9 * * MON-FRI\n",
		"DEVOPSBOT_DB=postgres://bot:xxxxx@db.internal/devopsbot\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("config output lacks %q:\n%s", want, out)
		}
	}
	for _, name := range envOrder() {
		if n := strings.Count(out, "\n"+name+"="); n != 1 {
			t.Errorf("%s appears %d times, want once", name, n)
		}
	}
}

func TestConfigJSON(t *testing.T) {
	cfg := opsDefaultConfig(t)
	cfg.BotToken, cfg.AppToken = opsBotToken, opsAppToken
	out, _, err := opsRun(t, cfg, "config", "--json")
	if err != nil {
		t.Fatalf("config --json: %v", err)
	}
	var got struct {
		Mode   string            `json:"mode"`
		Config map[string]string `json:"config"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("config --json output is not JSON: %v\n%s", err, out)
	}
	if got.Config["SLACK_BOT_TOKEN"] != "xoxb-****" || got.Config["DEVOPSBOT_ADDR"] != ":3000" {
		t.Errorf("config --json = %v", got.Config)
	}
	if len(got.Config) != len(envOrder()) {
		t.Errorf("config --json has %d variables, Config has %d", len(got.Config), len(envOrder()))
	}
}

func TestConfigChecksWhatServeNeedsWhenSlackIsConfigured(t *testing.T) {
	cfg := opsDefaultConfig(t)
	cfg.AppToken = opsAppToken // Socket Mode without a bot token
	out, _, err := opsRun(t, cfg, "config")
	if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "\nSLACK_BOT_TOKEN: ") {
		t.Fatalf("config with only an app token: err = %v, want a line naming SLACK_BOT_TOKEN", err)
	}
	if !strings.Contains(out, "# mode: Slack: incomplete (set SLACK_BOT_TOKEN)\n") {
		t.Errorf("mode line missing:\n%s", out)
	}
}

func TestConfigFailsOnBadValues(t *testing.T) {
	cfg := opsDefaultConfig(t)
	cfg.TZ = "Mars/Base"
	out, _, err := opsRun(t, cfg, "config")
	if !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("config with a bad TZ: err = %v, want ErrInvalidConfig", err)
	}
	if !strings.Contains(err.Error(), "\nDEVOPSBOT_TZ: unknown time zone \"Mars/Base\"") {
		t.Errorf("error = %q", err)
	}
	if !strings.Contains(out, "DEVOPSBOT_TZ=Mars/Base\n") {
		t.Errorf("config still prints the configuration first:\n%s", out)
	}
}

// TestEveryCommandHasHelp runs `devopsbot NAME --help` for every command in
// the table: exit 0 (flag.ErrHelp) and a usage line on stdout.
func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		if c.run == nil {
			continue
		}
		cmd := c.name
		t.Run(cmd, func(t *testing.T) {
			out, _, err := opsRun(t, opsDefaultConfig(t), cmd, "--help")
			if !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("%s --help: err = %v, want flag.ErrHelp (exit 0)", cmd, err)
			}
			if !strings.HasPrefix(out, "usage: devopsbot "+cmd) {
				t.Errorf("%s --help printed %q", cmd, out)
			}
		})
	}
}
