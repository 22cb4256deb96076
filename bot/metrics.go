package bot

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/devopsbot/devopsbot/quiz"
)

// Metric label values are a closed set: user text, user IDs and channel IDs
// never become labels. Anything not listed below is recorded as LabelOther.
const LabelOther = "other"

// Command names used as the "command" label of devopsbot_commands_total.
const (
	CommandLookup       = "lookup"
	CommandAsk          = "ask"
	CommandQuiz         = "quiz"          // a private practice question
	CommandQuizPost     = "quiz_post"     // admin: post the question of the day now
	CommandQuizClose    = "quiz_close"    // admin: close the open question now
	CommandQuizFlags    = "quiz_flags"    // admin: list flagged questions
	CommandQuizRestore  = "quiz_restore"  // admin: bring a flagged question back
	CommandAdminReload  = "admin_reload"  // admin: read the notes again
	CommandAdminExport  = "admin_export"  // admin: every answer as a CSV file
	CommandAdminChannel = "admin_channel" // admin: list, add, change or remove quiz channels
	CommandLeaderboard  = "leaderboard"
	CommandStats        = "stats"
	CommandHelp         = "help"
	CommandAnswer       = "answer"   // a click on an answer button (daily or practice)
	CommandShare        = "share"    // "Share in channel" or "Share in thread"
	CommandShortcut     = "shortcut" // the "Ask devopsbot" shortcuts and their modal
	CommandFlag         = "flag"     // a click on Flag or on a flag reason
	CommandMention      = "mention"
	CommandDM           = "dm"
	CommandHome         = "home" // the App Home tab published (opened, or after an answer)
)

// Outcomes used as the "outcome" label of devopsbot_commands_total.
const (
	OutcomeOK       = "ok"        // answered normally
	OutcomeNoResult = "no_result" // answered, but nothing matched
	OutcomeInvalid  = "invalid"   // bad input or usage: the user got a usage hint
	OutcomeDenied   = "denied"    // not allowed (admin-only command)
	OutcomeError    = "error"     // failed: the user got an apology, the error was logged
)

// Answer outcomes used as the "outcome" label of devopsbot_answers_recorded_total.
const (
	AnswerCorrect   = "correct"
	AnswerWrong     = "wrong"
	AnswerDuplicate = "duplicate" // a second click by the same person: not recorded again
	AnswerClosed    = "closed"    // a click on a question that is already closed
)

var (
	// knownCommands are the subcommands' labels and those of clicks,
	// mentions and direct messages.
	knownCommands       = append(commandLabels(), CommandAnswer, CommandShare, CommandShortcut, CommandFlag, CommandMention, CommandDM, CommandHome)
	knownOutcomes       = []string{OutcomeOK, OutcomeNoResult, OutcomeInvalid, OutcomeDenied, OutcomeError}
	knownAnswerOutcomes = []string{AnswerCorrect, AnswerWrong, AnswerDuplicate, AnswerClosed}
	// knownSlackMethods are the Web API methods (and pseudo-methods) the bot
	// may report errors for.
	knownSlackMethods = []string{"auth.test", "chat.postMessage", "chat.postEphemeral", "chat.update",
		"conversations.open", "views.open", "views.publish", "chat.getPermalink", "files.getUploadURLExternal", "upload", "files.completeUploadExternal",
		"socket_mode", "response_url"}
)

// Metrics holds the bot's Prometheus metrics in a registry of its own
// (nothing is registered globally, so tests can build as many as they like).
// A nil *Metrics is valid and records nothing.
//
//	devopsbot_commands_total{command,outcome}        counter
//	devopsbot_lookup_duration_seconds                histogram
//	devopsbot_questions_posted_total                 counter
//	devopsbot_answers_recorded_total{outcome}        counter
//	devopsbot_slack_api_errors_total{method}         counter
//	devopsbot_http_requests_total{route,code}        counter
//	devopsbot_http_request_duration_seconds{route}   histogram
//	devopsbot_build_info{version}                    gauge (always 1)
//	devopsbot_store_damaged_records_total            counter (see StoreDamaged)
//	devopsbot_notes_reloads_total{result}            counter (see NotesReloaded)
//
// plus the standard Go runtime and process collectors.
type Metrics struct {
	reg          *prometheus.Registry
	commands     *prometheus.CounterVec
	lookup       prometheus.Histogram
	posted       prometheus.Counter
	answers      *prometheus.CounterVec
	flags        *prometheus.CounterVec
	slackErrors  *prometheus.CounterVec
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	reloads      *prometheus.CounterVec
	routes       map[string]bool
}

// Results of a notes reload, the "result" label of devopsbot_notes_reloads_total.
const (
	ReloadChanged   = "changed"   // new notes indexed and swapped in
	ReloadUnchanged = "unchanged" // the same notes: nothing to do
	ReloadFailed    = "failed"    // the current notes stay
)

var knownReloadResults = []string{ReloadChanged, ReloadUnchanged, ReloadFailed}

// NewMetrics returns metrics registered in a new registry. version is the
// build version reported by devopsbot_build_info ("" is fine). routes lists the
// HTTP paths the server serves; other paths are recorded as "other".
func NewMetrics(version string, routes ...string) *Metrics {
	if version == "" {
		version = "dev"
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "devopsbot_commands_total",
			Help: "Commands handled, by command name and outcome.",
		}, []string{"command", "outcome"}),
		lookup: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "devopsbot_lookup_duration_seconds",
			Help: "Time to search the notes index for one lookup or exam question.",
			// Lookups take well under a millisecond in process; the buckets
			// reach 1 s so a slow outlier is still visible.
			Buckets: []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1},
		}),
		posted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "devopsbot_questions_posted_total",
			Help: "Questions of the day posted to the quiz channel.",
		}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "devopsbot_answers_recorded_total",
			Help: "Answer clicks on questions, by outcome (correct, wrong, duplicate, closed).",
		}, []string{"outcome"}),
		flags: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "devopsbot_question_flags_total",
			Help: "Questions flagged as faulty (one per person per question), by reason.",
		}, []string{"reason"}),
		slackErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "devopsbot_slack_api_errors_total",
			Help: "Failed Slack API calls (after retries), by method.",
		}, []string{"method"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "devopsbot_http_requests_total",
			Help: "HTTP requests served, by route and status code.",
		}, []string{"route", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "devopsbot_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
		}, []string{"route"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "devopsbot_notes_reloads_total",
			Help: "Reloads of the notes (SIGHUP, admin reload, refresh of URL notes), by result (changed, unchanged, failed).",
		}, []string{"result"}),
		routes: map[string]bool{},
	}
	for _, r := range routes {
		m.routes[r] = true
	}
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "devopsbot_build_info",
		Help: "Build information; always 1.",
	}, []string{"version"})
	build.WithLabelValues(version).Set(1)
	m.reg.MustRegister(m.commands, m.lookup, m.posted, m.answers, m.flags, m.slackErrors,
		m.httpRequests, m.httpDuration, m.reloads, build,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Start the common series at zero so rates work from the first scrape.
	for _, c := range knownCommands {
		for _, o := range []string{OutcomeOK, OutcomeError} {
			m.commands.WithLabelValues(c, o)
		}
	}
	for _, o := range knownAnswerOutcomes {
		m.answers.WithLabelValues(o)
	}
	for _, r := range quiz.FlagReasons {
		m.flags.WithLabelValues(string(r))
	}
	for _, r := range knownReloadResults {
		m.reloads.WithLabelValues(r)
	}
	return m
}

// NotesReloaded counts one reload of the notes; result is one of the
// Reload* constants.
func (m *Metrics) NotesReloaded(result string) {
	if m == nil {
		return
	}
	m.reloads.WithLabelValues(closed(result, knownReloadResults)).Inc()
}

// Command counts one handled command. name is one of the Command* constants
// ("quiz post" with a space is accepted too); outcome one of the Outcome*
// constants. Unknown values are recorded as "other".
func (m *Metrics) Command(name, outcome string) {
	if m == nil {
		return
	}
	name = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), " ", "_")
	m.commands.WithLabelValues(closed(name, knownCommands), closed(outcome, knownOutcomes)).Inc()
}

// ObserveLookup records the time one index search took.
func (m *Metrics) ObserveLookup(d time.Duration) {
	if m == nil {
		return
	}
	m.lookup.Observe(d.Seconds())
}

// QuestionPosted counts one question of the day posted to the channel.
func (m *Metrics) QuestionPosted() {
	if m == nil {
		return
	}
	m.posted.Inc()
}

// AnswerRecorded counts one answer click; outcome is one of the Answer*
// constants.
func (m *Metrics) AnswerRecorded(outcome string) {
	if m == nil {
		return
	}
	m.answers.WithLabelValues(closed(outcome, knownAnswerOutcomes)).Inc()
}

// QuestionFlagged counts one stored flag by its reason.
func (m *Metrics) QuestionFlagged(reason quiz.FlagReason) {
	if m == nil {
		return
	}
	m.flags.WithLabelValues(closed(string(reason), flagReasonNames)).Inc()
}

// flagReasonNames are the reasons as metric labels.
var flagReasonNames = func() []string {
	out := make([]string, len(quiz.FlagReasons))
	for i, r := range quiz.FlagReasons {
		out[i] = string(r)
	}
	return out
}()

// SlackError counts one failed Slack API call; method is the Web API method
// name ("chat.postMessage"), "response_url" or "socket_mode".
func (m *Metrics) SlackError(method string) {
	if m == nil {
		return
	}
	m.slackErrors.WithLabelValues(closed(method, knownSlackMethods)).Inc()
}

// ObserveHTTP records one served HTTP request. Paths not passed to
// NewMetrics as routes are recorded as "other".
func (m *Metrics) ObserveHTTP(path string, code int, d time.Duration) {
	if m == nil {
		return
	}
	route := path
	if !m.routes[route] {
		route = LabelOther
	}
	m.httpRequests.WithLabelValues(route, httpCode(code)).Inc()
	m.httpDuration.WithLabelValues(route).Observe(d.Seconds())
}

// Handler serves the registry in the Prometheus text format (GET /metrics).
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry returns the registry, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

func closed(v string, known []string) string {
	for _, k := range known {
		if v == k {
			return v
		}
	}
	return LabelOther
}

func httpCode(code int) string {
	if code < 100 || code > 599 {
		return LabelOther
	}
	return strconv.Itoa(code)
}

// StoreDamaged exports devopsbot_store_damaged_records_total, read from
// count: stored records that reads skipped because they do not decode.
func (m *Metrics) StoreDamaged(count func() uint64) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "devopsbot_store_damaged_records_total",
		Help: "Stored records (rounds, answers) skipped by reads because they are damaged; each is logged.",
	}, func() float64 { return float64(count()) }))
}
