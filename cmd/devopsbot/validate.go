package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	// The zone database is compiled in so DEVOPSBOT_TZ works in images
	// without /usr/share/zoneinfo (distroless static, scratch).
	_ "time/tzdata"

	"github.com/devopsbot/devopsbot/quiz/postgres"
	"github.com/robfig/cron/v3"

	"github.com/devopsbot/devopsbot/notes"
)

// ErrInvalidConfig marks every error returned by validate and validateServe.
var ErrInvalidConfig = errors.New("invalid configuration")

// configError is one bad setting: Error() is one line that names the
// environment variable, e.g.
//
//	DEVOPSBOT_TZ: unknown time zone "Mars/Base" (want an IANA name like Europe/Berlin)
type configError struct {
	Var string // environment variable, e.g. DEVOPSBOT_TZ
	Msg string
}

func (e *configError) Error() string        { return e.Var + ": " + e.Msg }
func (e *configError) Is(target error) bool { return target == ErrInvalidConfig }

var (
	// cronParser is the parser the schedules are validated with: the
	// standard five fields plus descriptors (@daily, @every 5s) and an
	// optional CRON_TZ= prefix. cron.New() uses the same one by default.
	cronParser   = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	slackUserID  = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	tokenPattern = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
	// slackTokenPrefix is the type prefix of any Slack token.
	slackTokenPrefix = regexp.MustCompile(`^(xox[a-z]|xapp|xoxe\.xox[a-z])-`)
)

// validate checks every value of cfg that can be checked without the
// network, so a typo fails at start instead of at 9:00 the next morning.
// It returns nil or the problems, one per line, each a *configError naming
// its variable and matching errors.Is(err, ErrInvalidConfig). serve calls it
// (through validateServe) before opening anything; `devopsbot config` prints
// its result.
func validate(cfg Config) error {
	var p problems
	p.checkSlack(cfg)
	p.checkPlaces(cfg)
	p.checkQuiz(cfg)
	// Map iteration is unordered: keep the output stable.
	sortConfigErrors(p)
	return errors.Join(p...)
}

// problems collects what is wrong with a configuration.
type problems []error

func (p *problems) bad(v, format string, args ...any) {
	*p = append(*p, &configError{Var: v, Msg: fmt.Sprintf(format, args...)})
}

// checkSlack checks the tokens and the signing secret.
func (p *problems) checkSlack(cfg Config) {
	checkToken := func(v, value, prefix, what string) {
		if value == "" {
			return
		}
		if strings.TrimSpace(value) != value {
			p.bad(v, "has leading or trailing whitespace (a newline from the secret file?)")
			return
		}
		if !strings.HasPrefix(value, prefix) {
			p.bad(v, "must be %s starting with %q (got a value %s)", what, prefix, tokenStart(value))
			return
		}
		if !tokenPattern.MatchString(value) || len(value) < len(prefix)+8 {
			p.bad(v, "does not look like %s: expected %s followed by letters, digits and dashes", what, prefix)
		}
	}
	if cfg.LookupCache < 0 {
		p.bad("DEVOPSBOT_LOOKUP_CACHE", "must be 0 (no cache) or a number of replies, got %d", cfg.LookupCache)
	}
	if _, err := shutdownDrain(cfg); err != nil {
		p.bad("DEVOPSBOT_SHUTDOWN_DRAIN", "%v", err)
	}
	checkToken("SLACK_BOT_TOKEN", cfg.BotToken, "xoxb-", "a bot token")
	checkToken("SLACK_APP_TOKEN", cfg.AppToken, "xapp-", "an app-level token")
	if s := cfg.SigningSecret; s != "" {
		switch {
		case strings.TrimSpace(s) != s:
			p.bad("SLACK_SIGNING_SECRET", "has leading or trailing whitespace (a newline from the secret file?)")
		case strings.HasPrefix(s, "xox") || strings.HasPrefix(s, "xapp-"):
			p.bad("SLACK_SIGNING_SECRET", "holds a token; use the Signing Secret from the app's Basic Information page")
		case strings.ContainsAny(s, " \t\r\n"):
			p.bad("SLACK_SIGNING_SECRET", "contains whitespace")
		}
	}
}

// checkPlaces checks addresses, URLs, the database and the files to read.
func (p *problems) checkPlaces(cfg Config) {
	if u, err := url.Parse(cfg.APIURL); cfg.APIURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.bad("SLACK_API_URL", "%q is not an http(s) URL like https://slack.com/api/", cfg.APIURL)
	}
	if err := checkAddr(cfg.Addr); err != nil {
		p.bad("DEVOPSBOT_ADDR", "%v", err)
	}
	if strings.TrimSpace(cfg.DB) == "" {
		p.bad("DEVOPSBOT_DB", "is empty; give the path of the database file, e.g. data/devopsbot.db, or a postgres:// URL")
	} else if postgres.IsURL(cfg.DB) {
		if _, err := postgres.ParseURL(cfg.DB); err != nil {
			p.bad("DEVOPSBOT_DB", "%v", err)
		}
	}
	if cfg.NotesURL != "" {
		if u, err := url.Parse(cfg.NotesURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.bad("DEVOPSBOT_NOTES_URL", "%q is not an http(s) URL", cfg.NotesURL)
		}
	}
	// Files are read later; a wrong path (a typo, a volume not mounted)
	// should fail here with the variable's name.
	sources := notes.NewLoader(slog.New(slog.DiscardHandler), notes.LoaderOptions{})
	for _, src := range cfg.Notes {
		if src = strings.TrimSpace(src); src == "" {
			continue
		}
		if err := sources.CheckSource(src); err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the path is in the message already
			}
			p.bad("DEVOPSBOT_NOTES", "cannot read %s: %v", src, err)
		}
	}
	if _, err := notesRefresh(cfg); err != nil {
		p.bad("DEVOPSBOT_NOTES_REFRESH", "%v", err)
	}
	for _, f := range []struct {
		name  string
		paths []string
	}{{"DEVOPSBOT_QUESTIONS", cfg.Questions}, {"DEVOPSBOT_ALIASES", cfg.Aliases}} {
		for _, path := range f.paths {
			if path = strings.TrimSpace(path); path == "" {
				continue
			}
			if st, err := os.Stat(path); err != nil {
				p.bad(f.name, "cannot read %s: %v", path, errors.Unwrap(err))
			} else if !st.Mode().IsRegular() {
				p.bad(f.name, "%s is not a file", path)
			}
		}
	}
}

// checkQuiz checks the question of the day, the calendar and the admins.
func (p *problems) checkQuiz(cfg Config) {
	if strings.ContainsAny(strings.TrimSpace(cfg.QuizChannel), " \t\r\n") {
		p.bad("DEVOPSBOT_QUIZ_CHANNEL", "%q contains whitespace; give a channel ID like C0123456789", cfg.QuizChannel)
	}
	for name, spec := range map[string]string{"DEVOPSBOT_QUIZ_SCHEDULE": cfg.QuizSchedule, "DEVOPSBOT_QUIZ_CLOSE": cfg.QuizClose} {
		if spec == "" {
			continue // empty disables the schedule (posts only on `quiz post`)
		}
		if _, err := cronParser.Parse(spec); err != nil {
			p.bad(name, "invalid cron spec %q: %v (want 5 fields like \"0 9 * * MON-FRI\" or a descriptor like \"@every 5s\")", spec, err)
		}
	}
	if _, err := loadTZ(cfg.TZ); err != nil {
		p.bad("DEVOPSBOT_TZ", "%v", err)
	}
	if cfg.ExamDate != "" {
		if _, err := time.Parse(time.DateOnly, cfg.ExamDate); err != nil {
			p.bad("DEVOPSBOT_EXAM_DATE", "%q is not a date in the form YYYY-MM-DD", cfg.ExamDate)
		}
	}
	for _, a := range cfg.Admins {
		a = strings.TrimSpace(a)
		if a != "" && !slackUserID.MatchString(a) {
			p.bad("DEVOPSBOT_ADMINS", "%q is not a Slack user ID like U0123ABCD (profile > ⋮ > Copy member ID)", a)
		}
	}
}

// validateServe is validate plus what `devopsbot serve` needs to reach
// Slack: a bot token and at least one transport.
func validateServe(cfg Config) error {
	err := validate(cfg)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	switch {
	case cfg.BotToken == "":
		errs = append(errs, &configError{Var: "SLACK_BOT_TOKEN", Msg: "is required to serve Slack (or run `devopsbot console` without Slack)"})
	case cfg.SigningSecret == "" && cfg.AppToken == "":
		errs = append(errs, &configError{Var: "SLACK_APP_TOKEN", Msg: "is required for Socket Mode; or set SLACK_SIGNING_SECRET for HTTP Request URLs"})
	}
	return errors.Join(errs...)
}

// loadTZ loads an IANA zone; empty means UTC.
// calendar reads DEVOPSBOT_TZ and DEVOPSBOT_EXAM_DATE: the zone of the
// bot's days and the exam date the quiz counts down to (zero when unset).
func calendar(cfg Config) (loc *time.Location, exam time.Time, err error) {
	if loc, err = loadTZ(cfg.TZ); err != nil {
		return nil, exam, fmt.Errorf("DEVOPSBOT_TZ: %w", err)
	}
	if cfg.ExamDate != "" {
		if exam, err = time.ParseInLocation(time.DateOnly, cfg.ExamDate, loc); err != nil {
			return nil, exam, fmt.Errorf("DEVOPSBOT_EXAM_DATE: %w", err)
		}
	}
	return loc, exam, nil
}

func loadTZ(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	if name == "Local" {
		return nil, fmt.Errorf("%q depends on the host; give an IANA name like Europe/Berlin or UTC", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q (want an IANA name like Europe/Berlin or UTC)", name)
	}
	return loc, nil
}

// checkAddr accepts host:port with an optional host and a numeric port.
func checkAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not an address like :3000 or 127.0.0.1:3000", addr)
	}
	if strings.ContainsAny(host, " /") {
		return fmt.Errorf("%q has a bad host", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q has a bad port (want 0-65535)", addr)
	}
	return nil
}

// tokenStart describes how a secret starts without printing it: the Slack
// token type prefix (xoxp-, xapp-) when there is one.
func tokenStart(s string) string {
	if p := slackTokenPrefix.FindString(s); p != "" {
		return "starting with " + strconv.Quote(p)
	}
	return "without a Slack token prefix"
}

func sortConfigErrors(errs []error) {
	order := map[string]int{}
	for i, v := range envOrder() {
		order[v] = i
	}
	key := func(e error) int {
		var ce *configError
		if errors.As(e, &ce) {
			return order[ce.Var]
		}
		return len(order)
	}
	slices.SortStableFunc(errs, func(a, b error) int { return key(a) - key(b) })
}

// shutdownDrain returns DEVOPSBOT_SHUTDOWN_DRAIN as a duration: "" is 0,
// otherwise a Go duration from 0 to 1m.
// notesRefresh is DEVOPSBOT_NOTES_REFRESH: how often the notes are read
// again, 0 (empty) for never.
func notesRefresh(cfg Config) (time.Duration, error) {
	s := strings.TrimSpace(cfg.NotesRefresh)
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second {
		return 0, fmt.Errorf("%q is not a period of a second or more (e.g. 15m), or empty for none", cfg.NotesRefresh)
	}
	return d, nil
}

func shutdownDrain(cfg Config) (time.Duration, error) {
	if cfg.ShutdownDrain == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(cfg.ShutdownDrain)
	if err != nil || d < 0 || d > time.Minute {
		return 0, fmt.Errorf("%q is not a duration from 0s to 1m (e.g. 5s)", cfg.ShutdownDrain)
	}
	return d, nil
}
