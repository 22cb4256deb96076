package bot

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/quiz"
)

// Searcher is what the router needs from the index; *index.Index implements it.
type Searcher interface {
	Search(ctx context.Context, query string, k int) ([]index.Hit, error)
	Suggest(ctx context.Context, query string, k int) []string
	Ask(ctx context.Context, q index.Question) (index.Answer, error)
}

// Quiz is what the router needs from the quiz engine; *quiz.Engine implements it.
type Quiz interface {
	Practice(ctx context.Context, user string) (quiz.Question, error)
	PracticeFrom(ctx context.Context, user, doc, section string) (quiz.Question, error)
	PracticeDomain(ctx context.Context, user string, domain int) (quiz.Question, error)
	PracticeMissed(ctx context.Context, user string) (quiz.Question, error)
	AnswerPractice(ctx context.Context, user, questionID string, choice int) (quiz.Result, error)
	AnswerRound(ctx context.Context, roundID, user string, choice int) (quiz.Result, error)
	Round(ctx context.Context, id string) (quiz.Round, error)
	LatestRounds(ctx context.Context, user string, n int) ([]quiz.Seen, error)
	Leaderboard(ctx context.Context, p quiz.Period, limit int) ([]quiz.Standing, error)
	ChannelLeaderboard(ctx context.Context, p quiz.Period, channel string, limit int) ([]quiz.Standing, error)
	QuizChannels(ctx context.Context) ([]quiz.Channel, error)
	QuizChannel(ctx context.Context, id string) (quiz.Channel, bool, error)
	SetQuizChannel(ctx context.Context, c quiz.Channel) (quiz.Channel, error)
	RemoveQuizChannel(ctx context.Context, id string) (bool, error)
	Stats(ctx context.Context, user string) (quiz.Stats, error)
	Question(id string) (quiz.Question, bool)
	Flag(ctx context.Context, user, questionID string, reason quiz.FlagReason, admin bool) (quiz.FlagResult, error)
	Flags(ctx context.Context) ([]quiz.Flagged, error)
	Restore(ctx context.Context, questionID string) (int, error)
	DaysToExam() (int, bool)
	Export(ctx context.Context, w io.Writer) (int, error)
}

var (
	_ Searcher = (*index.Index)(nil)
	_ Quiz     = (*quiz.Engine)(nil)
)

// Daily posts and closes the question of the day in the quiz channels;
// the scheduler implements it. It is nil where there is no scheduler (the
// console).
type Daily interface {
	// Post and Close act on the quiz channel channel (where the command
	// was run), or on the only one; an error wraps ErrNotQuizChannel when
	// channel is none of several.
	Post(ctx context.Context, channel string) error
	Close(ctx context.Context, channel string) error
	// Refresh applies changed quiz channels now.
	Refresh(ctx context.Context) error
	// Calendar is a quiz channel's zone and days to its exam; false when
	// channel is not a quiz channel.
	Calendar(channel string) (DailyCalendar, bool)
}

// Request is a slash command, a mention or a direct message.
type Request struct {
	User     string // Slack user ID
	UserName string
	Channel  string
	Text     string // what follows /devops (or the mention/DM text)
}

// Options configure a Router.
type Options struct {
	Admins   []string       // user IDs allowed to quiz post / quiz close
	NotesURL string         // base URL for links to sections ("{doc}" is replaced by the document name); "" for none
	Location *time.Location // nil means UTC
	Now      func() time.Time
	// Bare: commands are typed without "/devops " (the console), so the
	// examples in replies leave it out too.
	Bare bool
	// ShowDoc reports whether replies name the document of each section:
	// true when several notes files are loaded. A function, as a reload may
	// change how many there are; nil means never.
	ShowDoc func() bool
	// Reload reads the notes again for "admin reload"; nil where the notes
	// cannot be reloaded (the command then says so).
	Reload func(ctx context.Context) (NotesReload, error)
	// Daily posts and closes the question of the day for quiz post and
	// quiz close; nil when no quiz channel is configured.
	Daily Daily
	// Files sends `admin export` its file; nil where files cannot be sent
	// (the console, which points to `devopsbot export` instead).
	Files Files
	// Permalink returns a link to a posted message (the question of the day
	// on the Home tab); nil where messages have no links (the console).
	Permalink func(ctx context.Context, channel, ts string) (string, error)
	// LookupCache is how many lookup replies are kept for queries asked
	// again; 0 keeps none.
	LookupCache int
	// Generation reports which notes the Searcher holds: it must grow
	// whenever they are replaced, and cached lookup replies are kept for
	// one generation. nil means the notes never change.
	Generation func() uint64
}

// NotesReload is what a reload of the notes did.
type NotesReload struct {
	Changed  bool // false: the notes were the same, nothing was replaced
	Docs     int  // documents loaded now
	Sections int  // sections now
	Before   int  // sections before the reload
}

// Router turns commands, mentions and clicks into Responses. It knows no
// transport; it is safe for concurrent use.
type Router struct {
	lg     *slog.Logger
	search Searcher
	quiz   Quiz
	opts   Options
	admins map[string]bool

	// commands is the subcommand table (subcommands), held here so the
	// help command can list it without a package initialization cycle.
	commands []subcommand

	// shared remembers the messages whose Share button was clicked, so a
	// second click (before the private copy is replaced) posts nothing.
	shared *seenSet

	lookups *lookupCache // nil: replies are not cached
}

// NewRouter returns a Router over the index and the quiz engine.
func NewRouter(lg *slog.Logger, s Searcher, q Quiz, opts Options) *Router {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &Router{lg: lg, search: s, quiz: q, opts: opts, admins: map[string]bool{},
		shared: newSeenSet(24 * time.Hour), commands: subcommands, lookups: newLookupCache(opts.LookupCache)}
	for _, a := range opts.Admins {
		if a = strings.TrimSpace(a); a != "" {
			r.admins[a] = true
		}
	}
	return r
}

// generation is the notes generation of the Searcher (Options.Generation).
func (r *Router) generation() uint64 {
	if r.opts.Generation == nil {
		return 0
	}
	return r.opts.Generation()
}

// IsAdmin reports whether user may run quiz post and quiz close.
func (r *Router) IsAdmin(user string) bool { return r.admins[user] }

func (r *Router) view(public bool) view {
	return view{notesURL: r.opts.NotesURL, public: public, showDoc: r.opts.ShowDoc != nil && r.opts.ShowDoc(), bare: r.opts.Bare}
}

// cmd is a command as people type it here: "/devops quiz", or "quiz" in the
// console.
func (r *Router) cmd(s string) run { return r.view(false).cmd(s) }

// Command handles a /devops command. Replies are ephemeral (only the
// requester sees them); their Share buttons make them public.
func (r *Router) Command(ctx context.Context, req Request) Response {
	return r.command(ctx, req, false)
}

// Mention handles an app_mention or direct message, answered in public (a
// thread): a known subcommand runs as such; otherwise an exam question with
// at least two options is answered as ask, anything else as lookup.
func (r *Router) Mention(ctx context.Context, req Request) Response {
	req.Text = stripMentions(req.Text)
	if c, _ := findSubcommand(req.Text); c != nil {
		return r.command(ctx, req, true)
	}
	if strings.TrimSpace(req.Text) == "" {
		resp := r.help(req.User, "@devopsbot ")
		resp.Ephemeral = false
		return resp
	}
	return r.answerText(ctx, decodeSlack(req.Text), r.view(true))
}

// answerText answers free text the way mentions, direct messages and the
// "Ask devopsbot" shortcuts do: an exam question with at least two options
// as ask, anything else as lookup.
func (r *Router) answerText(ctx context.Context, text string, v view) Response {
	if q, err := index.ParseQuestion(text); err == nil && len(q.Options) >= 2 {
		return r.ask(ctx, text, v)
	}
	return r.lookup(ctx, text, v)
}

// command routes one command; public replies go to a channel or thread.
func (r *Router) command(ctx context.Context, req Request, public bool) Response {
	text := strings.TrimSpace(clean(req.Text))
	prefix := "/devops "
	switch {
	case public:
		prefix = "@devopsbot "
	case r.opts.Bare:
		prefix = ""
	}
	c, rest := findSubcommand(text)
	if text == "" {
		c = subcommandNamed("help")
	}
	var resp Response
	switch {
	case c == nil:
		resp = r.lookup(ctx, decodeSlack(text), r.view(public))
	case c.admin && !r.IsAdmin(req.User):
		resp = r.denied(ctx, c, prefix)
	default:
		resp = c.run(r, ctx, call{req: req, rest: rest, public: public, prefix: prefix})
	}
	if public {
		resp.Ephemeral = false
	}
	return resp
}
