package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/slack-go/slack"

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
	AnswerPractice(ctx context.Context, user, questionID string, choice int) (quiz.Result, error)
	AnswerRound(ctx context.Context, roundID, user string, choice int) (quiz.Result, error)
	Round(ctx context.Context, id string) (quiz.Round, error)
	Leaderboard(ctx context.Context, p quiz.Period, limit int) ([]quiz.Standing, error)
	Stats(ctx context.Context, user string) (quiz.Stats, error)
	Question(id string) (quiz.Question, bool)
}

var (
	_ Searcher = (*index.Index)(nil)
	_ Quiz     = (*quiz.Engine)(nil)
)

// Daily posts and closes the question of the day; the scheduler implements
// it. It is nil when no quiz channel is configured.
type Daily interface {
	Post(ctx context.Context) error
	Close(ctx context.Context) error
}

// Action IDs of the buttons the router renders. A rendered button's action_id
// is one of these, optionally followed by ":" and a number that keeps IDs
// unique within a message; Router.Action accepts both forms.
const (
	// ActionAnswerDaily answers the question of the day; value "roundID|choice".
	ActionAnswerDaily = "devops_daily_answer"
	// ActionAnswerPractice answers a practice question; value "questionID|choice".
	ActionAnswerPractice = "devops_practice_answer"
	// ActionPracticeNext asks for another practice question; value "".
	ActionPracticeNext = "devops_practice_next"
	// ActionShare posts an ephemeral reply publicly; value "command|argument"
	// (e.g. "lookup|canary", "leaderboard|week", "stats|U123").
	ActionShare = "devops_share"
	// ActionQuizMe asks for a practice question from a section; value "doc|sectionID".
	ActionQuizMe = "devops_quiz_me"
)

// Request is a slash command, a mention or a direct message.
type Request struct {
	User     string // Slack user ID
	UserName string
	Channel  string
	Text     string // what follows /devops (or the mention/DM text)
}

// Action is a click on one of the router's buttons.
type Action struct {
	User, UserName  string
	Channel         string
	MessageTS       string
	ThreadTS        string
	ActionID, Value string
}

// Response is a reply: Block Kit blocks with a plain-text fallback.
type Response struct {
	Text      string        // plain fallback (notifications, console)
	Blocks    []slack.Block // may be empty: then Text is shown
	Ephemeral bool          // visible only to the requester
}

// ActionResult says what to do after a click. Any field may be nil.
type ActionResult struct {
	Reply  *Response // private to the clicker
	Post   *Response // public in Action.Channel
	Update *Response // replaces the clicked message
}

// Options configure a Router.
type Options struct {
	Admins   []string       // user IDs allowed to quiz post / quiz close
	NotesURL string         // base URL for links to sections; "" for none
	ExamDate time.Time      // zero when unset
	Location *time.Location // nil means UTC
	Now      func() time.Time
}

// Router turns commands, mentions and clicks into Responses. It knows no
// transport.
type Router struct {
	lg     *slog.Logger
	search Searcher
	quiz   Quiz
	opts   Options
	admins map[string]bool

	mu    sync.Mutex
	daily Daily
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
	r := &Router{lg: lg, search: s, quiz: q, opts: opts, admins: map[string]bool{}}
	for _, a := range opts.Admins {
		r.admins[a] = true
	}
	return r
}

// SetDaily sets the question-of-the-day scheduler used by quiz post/close.
func (r *Router) SetDaily(d Daily) {
	r.mu.Lock()
	r.daily = d
	r.mu.Unlock()
}

// Command handles a /devops command.
func (r *Router) Command(ctx context.Context, req Request) Response {
	return Response{Text: "devopsbot: the router is being built", Ephemeral: true} // SKELETON
}

// Action handles a button click.
func (r *Router) Action(ctx context.Context, a Action) ActionResult {
	return ActionResult{} // SKELETON
}

// Mention handles an app_mention or direct message: a lookup, or an ask when
// the text parses as an exam question with at least two options.
func (r *Router) Mention(ctx context.Context, req Request) Response {
	return Response{Text: "devopsbot: the router is being built"} // SKELETON
}
