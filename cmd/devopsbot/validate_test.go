package main

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// opsDefaultConfig returns Config with the defaults of its envconfig tags,
// as main would read it from an empty environment.
func opsDefaultConfig(t *testing.T) Config {
	t.Helper()
	var cfg Config
	v := reflect.ValueOf(&cfg).Elem()
	for i := range v.NumField() {
		def, ok := v.Type().Field(i).Tag.Lookup("default")
		if !ok {
			continue
		}
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString(def)
		case reflect.Slice:
			f.Set(reflect.ValueOf(strings.Split(def, ",")))
		case reflect.Int:
			n, err := strconv.Atoi(def)
			if err != nil {
				t.Fatalf("opsDefaultConfig: field %s: default %q: %v", v.Type().Field(i).Name, def, err)
			}
			f.SetInt(int64(n))
		default:
			t.Fatalf("opsDefaultConfig: field %s: unsupported kind %s", v.Type().Field(i).Name, f.Kind())
		}
	}
	return cfg
}

const (
	opsBotToken = "xoxb-1111111111-2222222222-AbCdEfGhIjKlMnOpQrStUvWx"
	opsAppToken = "xapp-1-A0123456789-3333333333-0123456789abcdef0123456789abcdef"
	opsSecret   = "8f742231b10e8888abcd99yyyzzz85a5"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantVar string // "" means valid
	}{
		{"defaults are valid", func(*Config) {}, ""},
		{"full Slack config is valid", func(c *Config) {
			c.BotToken, c.AppToken, c.SigningSecret = opsBotToken, opsAppToken, opsSecret
			c.TZ, c.ExamDate, c.Admins = "Europe/Berlin", "2026-03-15", []string{"U0123ABCD", " W9876ZYX "}
			c.NotesURL, c.QuizChannel = "https://github.com/acme/notes/blob/main/notes.md", "C0123456789"
		}, ""},
		{"every-descriptor schedule is valid", func(c *Config) { c.QuizSchedule, c.QuizClose = "@every 5s", "@every 1m" }, ""},
		{"daily descriptor is valid", func(c *Config) { c.QuizSchedule = "@daily" }, ""},
		{"CRON_TZ prefix is valid", func(c *Config) { c.QuizSchedule = "CRON_TZ=Asia/Tokyo 30 8 * * 1-5" }, ""},
		{"empty schedule disables it", func(c *Config) { c.QuizSchedule, c.QuizClose = "", "" }, ""},
		{"host address is valid", func(c *Config) { c.Addr = "127.0.0.1:8080" }, ""},
		{"IPv6 wildcard is valid", func(c *Config) { c.Addr = "[::]:3000" }, ""},
		{"empty TZ means UTC", func(c *Config) { c.TZ = "" }, ""},

		{"unknown time zone fails", func(c *Config) { c.TZ = "Mars/Base" }, "DEVOPSBOT_TZ"},
		{"Local time zone fails", func(c *Config) { c.TZ = "Local" }, "DEVOPSBOT_TZ"},
		{"four-field cron fails", func(c *Config) { c.QuizSchedule = "0 9 * *" }, "DEVOPSBOT_QUIZ_SCHEDULE"},
		{"six-field cron fails", func(c *Config) { c.QuizSchedule = "0 0 9 * * MON-FRI" }, "DEVOPSBOT_QUIZ_SCHEDULE"},
		{"prose schedule fails", func(c *Config) { c.QuizSchedule = "every morning" }, "DEVOPSBOT_QUIZ_SCHEDULE"},
		{"bad every fails", func(c *Config) { c.QuizSchedule = "@every soon" }, "DEVOPSBOT_QUIZ_SCHEDULE"},
		{"bad close fails", func(c *Config) { c.QuizClose = "0 25 * * *" }, "DEVOPSBOT_QUIZ_CLOSE"},
		{"blank schedule fails", func(c *Config) { c.QuizSchedule = " " }, "DEVOPSBOT_QUIZ_SCHEDULE"},
		{"user token as bot token fails", func(c *Config) { c.BotToken = "xoxp-1111111111-2222222222-abcdef" }, "SLACK_BOT_TOKEN"},
		{"bot token with newline fails", func(c *Config) { c.BotToken = opsBotToken + "\n" }, "SLACK_BOT_TOKEN"},
		{"bot token with odd characters fails", func(c *Config) { c.BotToken = "xoxb-1111/2222?abcdefgh" }, "SLACK_BOT_TOKEN"},
		{"bot token as app token fails", func(c *Config) { c.AppToken = opsBotToken }, "SLACK_APP_TOKEN"},
		{"token as signing secret fails", func(c *Config) { c.SigningSecret = opsBotToken }, "SLACK_SIGNING_SECRET"},
		{"signing secret with spaces fails", func(c *Config) { c.SigningSecret = "8f74 2231" }, "SLACK_SIGNING_SECRET"},
		{"exam date in US form fails", func(c *Config) { c.ExamDate = "03/15/2026" }, "DEVOPSBOT_EXAM_DATE"},
		{"exam date month 13 fails", func(c *Config) { c.ExamDate = "2026-13-01" }, "DEVOPSBOT_EXAM_DATE"},
		{"drain without a unit fails", func(c *Config) { c.ShutdownDrain = "5" }, "DEVOPSBOT_SHUTDOWN_DRAIN"},
		{"drain over a minute fails", func(c *Config) { c.ShutdownDrain = "10m" }, "DEVOPSBOT_SHUTDOWN_DRAIN"},
		{"negative lookup cache fails", func(c *Config) { c.LookupCache = -1 }, "DEVOPSBOT_LOOKUP_CACHE"},
		{"port-only address fails", func(c *Config) { c.Addr = "3000" }, "DEVOPSBOT_ADDR"},
		{"port out of range fails", func(c *Config) { c.Addr = ":70000" }, "DEVOPSBOT_ADDR"},
		{"API URL without scheme fails", func(c *Config) { c.APIURL = "slack.com/api/" }, "SLACK_API_URL"},
		{"empty DB path fails", func(c *Config) { c.DB = " " }, "DEVOPSBOT_DB"},
		{"notes URL without scheme fails", func(c *Config) { c.NotesURL = "github.com/acme/notes" }, "DEVOPSBOT_NOTES_URL"},
		{"admin by name fails", func(c *Config) { c.Admins = []string{"U0123ABCD", "@alice"} }, "DEVOPSBOT_ADMINS"},
		{"channel with spaces fails", func(c *Config) { c.QuizChannel = "devops quiz" }, "DEVOPSBOT_QUIZ_CHANNEL"},
		{"missing notes file fails", func(c *Config) { c.Notes = []string{"no/such/notes.md"} }, "DEVOPSBOT_NOTES"},
		{"directory as question bank fails", func(c *Config) { c.Questions = []string{"."} }, "DEVOPSBOT_QUESTIONS"},
		{"missing alias file fails", func(c *Config) { c.Aliases = []string{"no/such/aliases.txt"} }, "DEVOPSBOT_ALIASES"},
		{"existing notes file is valid", func(c *Config) { c.Notes = []string{"main.go"} }, ""},
		{"notes directory and https URL are valid", func(c *Config) { c.Notes = []string{".", "https://git.example.com/raw/notes.md"} }, ""},
		{"negative notes refresh fails", func(c *Config) { c.NotesRefresh = "-1m" }, "DEVOPSBOT_NOTES_REFRESH"},
		{"notes refresh without a unit fails", func(c *Config) { c.NotesRefresh = "15" }, "DEVOPSBOT_NOTES_REFRESH"},
		{"notes refresh of 15m is valid", func(c *Config) { c.NotesRefresh = "15m" }, ""},
		{"plain http notes URL fails", func(c *Config) { c.Notes = []string{"http://git.example.com/raw/notes.md"} }, "DEVOPSBOT_NOTES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := opsDefaultConfig(t)
			tt.mutate(&cfg)
			err := validate(cfg)
			if tt.wantVar == "" {
				if err != nil {
					t.Fatalf("validate: %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("validate: nil, want an error naming %s", tt.wantVar)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans several lines: %q", msg)
			}
			if !strings.HasPrefix(msg, tt.wantVar+": ") {
				t.Errorf("error %q does not start with %s", msg, tt.wantVar)
			}
			if !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("errors.Is(err, ErrInvalidConfig) = false for %v", err)
			}
			for _, s := range []string{opsBotToken, opsAppToken, opsSecret, "1111111111-2222222222", "8f742231"} {
				if strings.Contains(msg, s) {
					t.Errorf("error %q leaks secret material %q", msg, s)
				}
			}
		})
	}
}

func TestValidateReportsEveryProblemInConfigOrder(t *testing.T) {
	cfg := opsDefaultConfig(t)
	cfg.TZ, cfg.QuizSchedule, cfg.BotToken = "Mars/Base", "nope", "xoxp-11111111111"
	err := validate(cfg)
	if err == nil {
		t.Fatal("validate: nil, want three problems")
	}
	var vars []string
	for _, line := range strings.Split(err.Error(), "\n") {
		vars = append(vars, strings.SplitN(line, ":", 2)[0])
	}
	want := []string{"SLACK_BOT_TOKEN", "DEVOPSBOT_QUIZ_SCHEDULE", "DEVOPSBOT_TZ"}
	if !reflect.DeepEqual(vars, want) {
		t.Errorf("problems name %v, want %v (one line each, in Config order)", vars, want)
	}
}

func TestValidateServe(t *testing.T) {
	tests := []struct {
		name                 string
		bot, app, secret, tz string
		wantVar              string
	}{
		{"Socket Mode is enough", opsBotToken, opsAppToken, "", "UTC", ""},
		{"HTTP is enough", opsBotToken, "", opsSecret, "UTC", ""},
		{"both transports are fine", opsBotToken, opsAppToken, opsSecret, "UTC", ""},
		{"no bot token fails", "", opsAppToken, "", "UTC", "SLACK_BOT_TOKEN"},
		{"no transport fails", opsBotToken, "", "", "UTC", "SLACK_APP_TOKEN"},
		{"general problems still count", opsBotToken, opsAppToken, "", "Mars/Base", "DEVOPSBOT_TZ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := opsDefaultConfig(t)
			cfg.BotToken, cfg.AppToken, cfg.SigningSecret, cfg.TZ = tt.bot, tt.app, tt.secret, tt.tz
			err := validateServe(cfg)
			switch {
			case tt.wantVar == "" && err != nil:
				t.Fatalf("validateServe: %v, want nil", err)
			case tt.wantVar != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantVar+":")):
				t.Fatalf("validateServe: %v, want an error naming %s", err, tt.wantVar)
			case err != nil && !errors.Is(err, ErrInvalidConfig):
				t.Errorf("errors.Is(err, ErrInvalidConfig) = false for %v", err)
			}
		})
	}
}
