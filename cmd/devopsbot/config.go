package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"

	"github.com/devopsbot/devopsbot/quiz/postgres"
)

// cmdConfig prints the effective configuration, one VAR=value line per
// setting in Config order with secrets masked, then checks it with validate
// (validateServe when Slack credentials are set, as a bare `devopsbot` would
// serve): a bad value makes it exit 1 with one line per problem, so it
// doubles as a preflight check (`docker run ... devopsbot config`).
func cmdConfig(ctx context.Context, e *env, args []string) error {
	const synopsis = "config [--json]\n\nPrints the effective configuration (environment and defaults) with secrets masked,\nthen validates it: exit 1 with one line per bad variable."
	fs := e.flags("config", synopsis)
	asJSON := fs.Bool("json", false, "print a JSON object instead of VAR=value lines")
	if err := e.parse(fs, synopsis, args); err != nil {
		return err
	}
	fields := configFields(e.cfg)
	if *asJSON {
		obj := map[string]string{}
		for _, f := range fields {
			obj[f.Env] = f.Shown
		}
		out := struct {
			Mode   string            `json:"mode"`
			Config map[string]string `json:"config"`
		}{mode(e.cfg), obj}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("write config: %w", err)
		}
	} else {
		fmt.Fprintf(e.stdout, "# devopsbot %s, secrets masked\n# mode: %s\n", version, mode(e.cfg))
		for _, f := range fields {
			fmt.Fprintf(e.stdout, "%s=%s\n", f.Env, f.Shown)
		}
	}
	// With Slack credentials a bare `devopsbot` serves: check what serve checks.
	check := validate
	if e.cfg.BotToken != "" || e.cfg.AppToken != "" {
		check = validateServe
	}
	if err := check(e.cfg); err != nil {
		return fmt.Errorf("configuration has problems:\n%w", err)
	}
	return nil
}

// mode says what a bare `devopsbot` does with this configuration.
func mode(cfg Config) string {
	switch {
	case cfg.BotToken == "" && cfg.AppToken == "":
		return "console (no Slack credentials)"
	case cfg.BotToken == "":
		return "Slack: incomplete (set SLACK_BOT_TOKEN)"
	case cfg.AppToken != "" && cfg.SigningSecret != "":
		return "Slack: Socket Mode and HTTP Request URLs"
	case cfg.AppToken != "":
		return "Slack: Socket Mode"
	case cfg.SigningSecret != "":
		return "Slack: HTTP Request URLs"
	default:
		return "Slack: incomplete (set SLACK_APP_TOKEN or SLACK_SIGNING_SECRET)"
	}
}

// configField describes one environment variable of Config.
type configField struct {
	Env     string // SLACK_BOT_TOKEN
	Default string // the envconfig default tag ("" if none)
	Desc    string // the desc tag
	Secret  bool
	Shown   string // the effective value, masked if Secret, as it would be written in the environment
}

// configFields lists Config's environment variables in struct order with
// their effective values from cfg.
func configFields(cfg Config) []configField {
	v := reflect.ValueOf(cfg)
	t := v.Type()
	var out []configField
	for i := range t.NumField() {
		sf := t.Field(i)
		name := sf.Tag.Get("envconfig")
		if name == "" || !sf.IsExported() {
			continue
		}
		f := configField{Env: name, Default: sf.Tag.Get("default"), Desc: sf.Tag.Get("desc"), Secret: isSecretVar(name)}
		var s string
		switch fv := v.Field(i); fv.Kind() {
		case reflect.String:
			s = fv.String()
		case reflect.Slice:
			parts := make([]string, fv.Len())
			for j := range parts {
				parts[j] = fmt.Sprint(fv.Index(j).Interface())
			}
			s = strings.Join(parts, ",")
		default:
			s = fmt.Sprint(fv.Interface())
		}
		if f.Secret {
			s = maskSecret(s)
		} else {
			s = maskURLPassword(s)
		}
		f.Shown = s
		out = append(out, f)
	}
	return out
}

// envOrder lists Config's environment variables in struct order.
func envOrder() []string {
	var names []string
	for _, f := range configFields(Config{}) {
		names = append(names, f.Env)
	}
	return names
}

func isSecretVar(name string) bool {
	for _, w := range []string{"TOKEN", "SECRET", "PASSWORD", "KEY"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// maskSecret shows whether a secret is set and its Slack token type, never
// any of its characters beyond that prefix.
func maskSecret(s string) string {
	if s == "" {
		return ""
	}
	return slackTokenPrefix.FindString(s) + "****"
}

// maskURLPassword hides the password of a URL-shaped value (a database DSN,
// say); other values pass unchanged.
func maskURLPassword(s string) string {
	if postgres.IsURL(s) {
		return postgres.Redact(s) // also password= in the query
	}
	if !strings.Contains(s, "@") || !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "****"
	}
	return u.Redacted()
}
