package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/quiz"
)

// subcommand is one /devops subcommand. The table below is the only place
// a subcommand is declared: routing, the metrics label, the help reply and
// the Share button derive from it, and deploy's tests hold the Slack
// manifests' usage hint and the README's command table against it.
type subcommand struct {
	name  string // as typed, lower case: "lookup", or "quiz post" (a word after another)
	label string // metrics and log label, one of the Command* constants
	usage string // synopsis: "leaderboard [week|month|all]"
	help  string // what it does, for the help reply and the README; `quoted` text is a command
	admin bool   // only DEVOPSBOT_ADMINS may run it
	// aliases are other first words that run it ("-h" for help).
	aliases []string
	run     func(r *Router, ctx context.Context, c call) Response
	// share, when set, makes the reply shareable: a click on its Share
	// button (value "name|arg") runs it again for arg, and the result is
	// rendered once for the channel and once for the private copy.
	share func(r *Router, ctx context.Context, arg string) func(view) Response
}

// call is one run of a subcommand.
type call struct {
	req    Request
	rest   string // the words after the subcommand, as Slack sent them
	public bool   // answered in a channel or thread
	prefix string // how commands are typed here: "/devops ", "@devopsbot " or "" (console)
}

// plainRest is the rest as people typed it: Slack escapes &, < and > and
// wraps links and mentions in <...>.
func (c call) plainRest() string { return decodeSlack(c.rest) }

// subcommands lists the subcommands in the order help shows them.
var subcommands = []subcommand{
	{name: "lookup", label: CommandLookup, usage: "lookup <query>",
		help: "the best sections of the notes: `lookup canary deployment`, or just `canary deployment`",
		run:  (*Router).lookupCommand,
		share: func(r *Router, ctx context.Context, arg string) func(view) Response {
			return func(v view) Response { return r.lookup(ctx, arg, v) }
		}},
	{name: "ask", label: CommandAsk, usage: "ask <question with A) B) C) D)>",
		help: "which option(s) the notes support and the fact that decides it, or that the notes do not cover or do not decide it (with a labelled guess)",
		run: func(r *Router, ctx context.Context, c call) Response {
			return r.ask(ctx, c.plainRest(), r.view(c.public))
		},
		share: (*Router).shareAsk},
	{name: "quiz", label: CommandQuiz, usage: "quiz [topic]",
		help: "a private practice question, on a topic when you name one",
		run:  func(r *Router, ctx context.Context, c call) Response { return r.quizCommand(ctx, c.req, c.plainRest()) }},
	{name: "leaderboard", label: CommandLeaderboard, usage: "leaderboard [week|month|all] [#channel]",
		help: "the scores, across the quiz channels or in one",
		run: func(r *Router, ctx context.Context, c call) Response {
			return r.leaderboard(ctx, c.rest, r.view(c.public))
		},
		share: func(r *Router, ctx context.Context, arg string) func(view) Response {
			return func(v view) Response { return r.leaderboard(ctx, arg, v) }
		}},
	{name: "stats", label: CommandStats, usage: "stats [@user|team]",
		help: "readiness per exam domain, streaks, weakest domain, days to the exam",
		run: func(r *Router, ctx context.Context, c call) Response {
			return r.stats(ctx, c.req, c.rest, r.view(c.public))
		},
		share: func(r *Router, ctx context.Context, arg string) func(view) Response {
			user := arg // from our own button: a user ID, or "team"
			if arg == "team" {
				user = ""
			}
			return func(v view) Response { return r.statsFor(ctx, user, v) }
		}},
	{name: "help", label: CommandHelp, usage: "help", help: "this list", aliases: []string{"-h", "--help"},
		run: func(r *Router, ctx context.Context, c call) Response {
			return r.help(c.req.User, c.prefix)
		}},
	{name: "quiz post", label: CommandQuizPost, usage: "quiz post", admin: true,
		help: "post the question of the day now",
		run:  func(r *Router, ctx context.Context, c call) Response { return r.postDaily(ctx, c) }},
	{name: "quiz close", label: CommandQuizClose, usage: "quiz close", admin: true,
		help: "close the question of the day and post its answer",
		run:  func(r *Router, ctx context.Context, c call) Response { return r.closeDaily(ctx, c) }},
	{name: "quiz flags", label: CommandQuizFlags, usage: "quiz flags", admin: true,
		help: "the questions people flagged, with their reasons",
		run:  func(r *Router, ctx context.Context, c call) Response { return r.quizFlags(ctx, c.prefix) }},
	{name: "quiz restore", label: CommandQuizRestore, usage: "quiz restore <id>", admin: true,
		help: "bring a flagged question back into rotation",
		run: func(r *Router, ctx context.Context, c call) Response {
			return r.quizRestore(ctx, c.plainRest(), c.prefix)
		}},
	{name: "admin channel", label: CommandAdminChannel,
		usage: "admin channel [list|add|set|remove] [#channel] [post=CRON] [close=CRON] [tz=ZONE] [exam=YYYY-MM-DD]", admin: true,
		help: "list, add, change or remove the quiz channels, each with its own post and close schedules, time zone and exam date: " +
			"`admin channel add #quiz post=\"0 9 * * MON-FRI\" tz=Europe/Berlin`",
		run: (*Router).adminChannel},
	{name: "admin reload", label: CommandAdminReload, usage: "admin reload", admin: true,
		help: "read the notes again (files, directories, URLs) without a restart",
		run:  func(r *Router, ctx context.Context, c call) Response { return r.reloadNotes(ctx) }},
	{name: "admin export", label: CommandAdminExport, usage: "admin export", admin: true,
		help: "every recorded answer as a CSV file (person, date, question, domain, chosen, right, kind), sent to you in a direct message",
		run:  func(r *Router, ctx context.Context, c call) Response { return r.exportAnswers(ctx, c.req.User) }},
}

// findSubcommand splits text into its subcommand and the rest; nil when
// its first word names none (a lookup without "lookup").
func findSubcommand(text string) (*subcommand, string) {
	first, rest := splitWord(text)
	first = strings.ToLower(first)
	if first == "" {
		return nil, ""
	}
	if subcommandFirstWords[first] {
		if second, after := splitWord(rest); second != "" {
			if c := subcommandNamed(first + " " + strings.ToLower(second)); c != nil {
				return c, after
			}
		}
	}
	if c := subcommandNamed(first); c != nil {
		return c, rest
	}
	return nil, text
}

// subcommandNamed finds a subcommand by its name or an alias.
func subcommandNamed(name string) *subcommand { return subcommandsByName[name] }

// subcommandsByName holds every subcommand under its name and aliases (the
// first in the table wins), and subcommandFirstWords the first words of
// those of two words ("quiz" of "quiz post"): every command's text is looked up, lookups most of all,
// and most first words then cost one map lookup.
var (
	subcommandsByName    map[string]*subcommand
	subcommandFirstWords map[string]bool
)

func init() {
	subcommandsByName = make(map[string]*subcommand)
	subcommandFirstWords = make(map[string]bool)
	for i := range subcommands {
		c := &subcommands[i]
		for _, n := range append([]string{c.name}, c.aliases...) {
			if _, dup := subcommandsByName[n]; !dup {
				subcommandsByName[n] = c
			}
			if first, _, two := strings.Cut(n, " "); two {
				subcommandFirstWords[first] = true
			}
		}
	}
}

// commandName is the metrics and log label of a /devops command text.
func commandName(text string) string {
	text = stripMentions(text)
	if strings.TrimSpace(text) == "" {
		return CommandHelp
	}
	if c, _ := findSubcommand(text); c != nil {
		return c.label
	}
	return CommandLookup
}

// commandLabels are the metrics labels of the subcommands.
func commandLabels() []string {
	out := make([]string, 0, len(subcommands))
	for _, c := range subcommands {
		out = append(out, c.label)
	}
	return out
}

// Subcommand describes a /devops subcommand for documentation: the Slack
// manifests' usage hint and the README's command table are checked against
// Subcommands.
type Subcommand struct {
	Usage string // synopsis without "/devops ": "leaderboard [week|month|all]"
	Help  string // what it does
	Admin bool   // only DEVOPSBOT_ADMINS may run it
}

// Subcommands lists the /devops subcommands in the order help shows them.
func Subcommands() []Subcommand {
	out := make([]Subcommand, 0, len(subcommands))
	for _, c := range subcommands {
		out = append(out, Subcommand{Usage: c.usage, Help: c.help, Admin: c.admin})
	}
	return out
}

// help lists the commands for user; admins also see the admin ones.
func (r *Router) help(user, prefix string) Response {
	return renderHelp(r.commands, r.IsAdmin(user), prefix)
}

// renderHelp lists the commands; admins also see the admin ones.
func renderHelp(cmds []subcommand, admin bool, prefix string) Response {
	m := &Response{Ephemeral: true}
	rs := []run{bold("devopsbot"), plain(": the team's AWS DevOps Pro study notes, and a daily quiz.")}
	var admins []run
	for _, c := range cmds {
		if !c.admin {
			rs = append(append(rs, plain("\n"), code(prefix+c.usage), plain(" ")), helpRuns(c.help, prefix)...)
			continue
		}
		if len(admins) > 0 {
			admins = append(admins, plain("; "))
		}
		admins = append(append(admins, code(prefix+c.usage), plain(" ")), helpRuns(c.help, prefix)...)
	}
	if admin && len(admins) > 0 {
		rs = append(append(rs, plain("\nAdmins: ")), admins...)
	}
	m.text(rs...)
	return *m
}

// helpRuns renders a help text: its `quoted` commands as code, typed with
// prefix.
func helpRuns(help, prefix string) []run {
	var rs []run
	for i, s := range strings.Split(help, "`") {
		switch {
		case s == "":
		case i%2 == 1:
			rs = append(rs, code(prefix+s))
		default:
			rs = append(rs, plain(s))
		}
	}
	return rs
}

func (r *Router) lookupCommand(ctx context.Context, c call) Response {
	if c.rest == "" {
		return textResponse(true, plain("What should I look up? For example "), code(c.prefix+"lookup canary deployment"))
	}
	return r.lookup(ctx, c.plainRest(), r.view(c.public))
}

// shareAsk answers a shared exam question once and renders it per view.
func (r *Router) shareAsk(ctx context.Context, arg string) func(view) Response {
	q, err := index.ParseQuestion(arg)
	if err != nil {
		resp := r.fail(ctx, "parse question", err)
		return func(view) Response { return resp }
	}
	ans, err := r.search.Ask(ctx, q)
	if err != nil {
		resp := r.fail(ctx, "ask", err)
		return func(view) Response { return resp }
	}
	return func(v view) Response { return renderAsk(q, ans, arg, v) }
}

// denied answers an admin-only subcommand run by someone else.
func (r *Router) denied(ctx context.Context, c *subcommand, prefix string) Response {
	setOutcome(ctx, OutcomeDenied)
	return textResponse(true, plain("Sorry, only admins can use "), code(prefix+c.usage),
		plain(". Admins are set in DEVOPSBOT_ADMINS."))
}

func (r *Router) postDaily(ctx context.Context, c call) Response {
	d := r.opts.Daily
	if d == nil {
		return noDaily()
	}
	err := d.Post(ctx, c.req.Channel)
	if errors.Is(err, ErrNotQuizChannel) {
		return r.notQuizChannel(ctx)
	}
	if err != nil {
		return r.fail(ctx, "quiz post", err)
	}
	return textResponse(true, plain("Posted the question of the day."))
}

func (r *Router) closeDaily(ctx context.Context, c call) Response {
	d := r.opts.Daily
	if d == nil {
		return noDaily()
	}
	err := d.Close(ctx, c.req.Channel)
	if errors.Is(err, ErrNotQuizChannel) {
		return r.notQuizChannel(ctx)
	}
	if errors.Is(err, quiz.ErrNotFound) {
		return textResponse(true, plain("There is no open question of the day to close."))
	}
	if err != nil {
		return r.fail(ctx, "quiz close", err)
	}
	return textResponse(true, plain("Closed the question of the day; the answer is in its thread."))
}

// reloadNotes reads the notes again; a reload that fails keeps the current
// notes, and the admin reads why.
func (r *Router) reloadNotes(ctx context.Context) Response {
	if r.opts.Reload == nil {
		return textResponse(true, plain("The notes are reloaded by the bot only (devopsbot serve); restart the console to read them again."))
	}
	res, err := r.opts.Reload(ctx)
	if err != nil {
		setOutcome(ctx, OutcomeError)
		r.lg.WarnContext(ctx, "bot.Router notes reload failed", "err", err)
		return textResponse(true, plain("The reload failed and the current notes stay. Why: "), code(err.Error()))
	}
	if !res.Changed {
		return textResponse(true, plain(fmt.Sprintf("The notes have not changed: %s in %s.", count(res.Sections, "section"), count(res.Docs, "document"))))
	}
	return textResponse(true, plain(fmt.Sprintf("Reloaded the notes: %s in %s (%d before).", count(res.Sections, "section"), count(res.Docs, "document"), res.Before)))
}

// count is "1 section" or "3 sections".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func noDaily() Response {
	return textResponse(true, plain("The question of the day is not scheduled here: it runs in the bot (devopsbot serve)."))
}
