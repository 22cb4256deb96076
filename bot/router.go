package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/slack-go/slack"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/notes"
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
	// ActionLookup looks up a suggested section title; value the query.
	ActionLookup = "devops_lookup"
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

	msg *message // the model it was rendered from, for the console
}

// ActionResult says what to do after a click. Any field may be nil.
type ActionResult struct {
	Reply  *Response // private to the clicker
	Post   *Response // public in Action.Channel
	Update *Response // replaces the clicked message; skipped when Post fails

	// shareKey identifies a share click; a transport that fails to post
	// the share calls Router.forgetShare with it so the button works again.
	shareKey string
}

// Options configure a Router.
type Options struct {
	Admins   []string       // user IDs allowed to quiz post / quiz close
	NotesURL string         // base URL for links to sections ("{doc}" is replaced by the document name); "" for none
	ExamDate time.Time      // zero when unset
	Location *time.Location // nil means UTC
	Now      func() time.Time
	// Bare: commands are typed without "/devops " (the console), so the
	// examples in replies leave it out too.
	Bare bool
}

// Router turns commands, mentions and clicks into Responses. It knows no
// transport; it is safe for concurrent use.
type Router struct {
	lg     *slog.Logger
	search Searcher
	quiz   Quiz
	opts   Options
	admins map[string]bool
	// multiDoc: the index holds several notes files, so replies name the
	// document of each section.
	multiDoc bool

	mu    sync.Mutex
	daily Daily
	// shared remembers the messages whose Share button was clicked, so a
	// second click (before the private copy is replaced) posts nothing.
	shared *seenSet
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
		shared: newSeenSet(24 * time.Hour)}
	if d, ok := s.(interface{ Docs() []*notes.Document }); ok {
		r.multiDoc = len(d.Docs()) > 1
	}
	for _, a := range opts.Admins {
		if a = strings.TrimSpace(a); a != "" {
			r.admins[a] = true
		}
	}
	return r
}

// SetDaily sets the question-of-the-day scheduler used by quiz post/close.
func (r *Router) SetDaily(d Daily) {
	r.mu.Lock()
	r.daily = d
	r.mu.Unlock()
}

func (r *Router) getDaily() Daily {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.daily
}

// IsAdmin reports whether user may run quiz post and quiz close.
func (r *Router) IsAdmin(user string) bool { return r.admins[user] }

// DaysToExam returns the calendar days from now to the exam date, and
// whether an exam date is set.
func (r *Router) DaysToExam() (int, bool) {
	if r.opts.ExamDate.IsZero() {
		return 0, false
	}
	return daysTo(r.opts.Now(), r.opts.ExamDate, r.opts.Location), true
}

func (r *Router) view(public bool) view {
	return view{notesURL: r.opts.NotesURL, public: public, showDoc: r.multiDoc, bare: r.opts.Bare}
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
	if sub, _ := splitWord(req.Text); isSubcommand(sub) {
		return r.command(ctx, req, true)
	}
	if strings.TrimSpace(req.Text) == "" {
		resp := renderHelp(r.IsAdmin(req.User), "@devopsbot ").response()
		resp.Ephemeral = false
		return resp
	}
	text := decodeSlack(req.Text)
	if q, err := index.ParseQuestion(text); err == nil && len(q.Options) >= 2 {
		return r.ask(ctx, req, text, true)
	}
	return r.lookup(ctx, text, r.view(true))
}

// decodeSlack turns Slack's message encoding back into what people typed:
// <https://x|label> and <https://x> become the label or the URL,
// <@U123|name> "@name", <#C123|name> "#name", <!here> "@here"; &amp; &lt;
// &gt; become & < >.
func decodeSlack(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		b.WriteString(s[:i])
		inner := s[i+1 : i+j]
		target, label, hasLabel := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "#"):
			if hasLabel {
				b.WriteString(target[:1] + label)
			} else {
				b.WriteString(target)
			}
		case strings.HasPrefix(target, "!"):
			if hasLabel {
				b.WriteString(label)
			} else {
				b.WriteString("@" + strings.TrimPrefix(target, "!"))
			}
		case hasLabel:
			b.WriteString(label)
		default:
			b.WriteString(target)
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(b.String())
}

func isSubcommand(w string) bool {
	switch strings.ToLower(w) {
	case "lookup", "ask", "quiz", "leaderboard", "stats", "help":
		return true
	}
	return false
}

// command routes one command; public replies go to a channel or thread.
func (r *Router) command(ctx context.Context, req Request, public bool) Response {
	text := strings.TrimSpace(clean(req.Text))
	sub, rest := splitWord(text)
	prefix := "/devops "
	switch {
	case public:
		prefix = "@devopsbot "
	case r.opts.Bare:
		prefix = ""
	}
	// Text as people typed it: Slack escapes &, < and > and wraps links and
	// mentions in <...>; stats reads the raw mention itself.
	plainRest := decodeSlack(rest)
	var resp Response
	switch strings.ToLower(sub) {
	case "", "help", "-h", "--help":
		resp = renderHelp(r.IsAdmin(req.User), prefix).response()
	case "lookup":
		if rest == "" {
			resp = textResponse(true, plain("What should I look up? For example "), code(prefix+"lookup canary deployment"))
			break
		}
		resp = r.lookup(ctx, plainRest, r.view(public))
	case "ask":
		resp = r.ask(ctx, req, plainRest, public)
	case "quiz":
		resp = r.quizCommand(ctx, req, plainRest)
	case "leaderboard":
		resp = r.leaderboard(ctx, rest, r.view(public))
	case "stats":
		resp = r.stats(ctx, req, rest, r.view(public))
	default:
		resp = r.lookup(ctx, decodeSlack(text), r.view(public))
	}
	if public {
		resp.Ephemeral = false
	}
	return resp
}

// splitWord splits off the first word of s.
func splitWord(s string) (string, string) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// stripMentions removes leading user mentions (<@U123> or <@U123|name>),
// as in "@devopsbot lookup canary".
func stripMentions(s string) string {
	s = strings.TrimSpace(s)
	for strings.HasPrefix(s, "<@") {
		end := strings.IndexByte(s, '>')
		if end < 0 {
			break
		}
		s = strings.TrimSpace(s[end+1:])
	}
	return s
}

func (r *Router) lookup(ctx context.Context, query string, v view) Response {
	query = strings.TrimSpace(clean(query))
	hits, err := r.search.Search(ctx, query, lookupHits)
	switch {
	case errors.Is(err, index.ErrEmptyQuery):
		return r.nothing(ctx, query, v)
	case err != nil:
		return r.fail(ctx, "lookup", err)
	case len(hits) == 0:
		return r.nothing(ctx, query, v)
	}
	return renderLookup(query, hits, v).response()
}

func (r *Router) nothing(ctx context.Context, query string, v view) Response {
	setOutcome(ctx, OutcomeNoResult)
	if strings.TrimFunc(query, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) }) == "" {
		return textResponse(!v.public, plain("Type a few words to look up, for example "), v.cmd("lookup blue green deployment"), plain("."))
	}
	return renderNothing(query, r.search.Suggest(ctx, query, 5), v).response()
}

func (r *Router) ask(ctx context.Context, req Request, text string, public bool) Response {
	text = strings.TrimSpace(clean(text))
	if text == "" {
		return textResponse(!public, plain("Paste an exam question after "), code("ask"),
			plain(", with its options as A) B) C) D), inline or on their own lines."))
	}
	q, err := index.ParseQuestion(text)
	if err != nil {
		return r.fail(ctx, "parse question", err)
	}
	a, err := r.search.Ask(ctx, q)
	if errors.Is(err, index.ErrEmptyQuery) {
		return textResponse(!public, plain("I could not find a question in that. Paste the scenario and its options A) B) C) D)."))
	}
	if err != nil {
		return r.fail(ctx, "ask", err)
	}
	return renderAsk(q, a, text, r.view(public)).response()
}

func (r *Router) quizCommand(ctx context.Context, req Request, rest string) Response {
	sub, _ := splitWord(rest)
	switch strings.ToLower(sub) {
	case "post", "close":
		return r.admin(ctx, req, strings.ToLower(sub))
	}
	switch strings.ToLower(strings.Trim(rest, " .!?")) {
	case "", "me", "please", "me please", "random", "any", "anything":
		return r.practice(ctx, req.User)
	}
	// quiz <topic>: a practice question from the best section for the topic.
	hits, err := r.search.Search(ctx, rest, lookupHits)
	if err == nil {
		for _, h := range hits {
			q, err := r.quiz.PracticeFrom(ctx, req.User, h.Doc, h.ID)
			if err == nil {
				return renderPractice(q).response()
			}
			if !errors.Is(err, quiz.ErrNoQuestions) && !errors.Is(err, quiz.ErrNotFound) {
				return r.fail(ctx, "practice from", err)
			}
		}
	}
	resp := r.practice(ctx, req.User)
	if len(resp.Blocks) > 0 && resp.msg != nil {
		note := message{ephemeral: true}
		note.context(plain("No questions come from the sections about "), bold(truncateRunes(oneLine(rest), maxQueryEcho)),
			plain(" yet; here is one from anywhere."))
		resp.msg.parts = append(note.parts, resp.msg.parts...)
		resp = resp.msg.response()
	}
	return resp
}

func (r *Router) practice(ctx context.Context, user string) Response {
	q, err := r.quiz.Practice(ctx, user)
	if err != nil {
		return r.fail(ctx, "practice", err)
	}
	return renderPractice(q).response()
}

func (r *Router) admin(ctx context.Context, req Request, what string) Response {
	if !r.IsAdmin(req.User) {
		setOutcome(ctx, OutcomeDenied)
		return textResponse(true, plain("Sorry, only quiz admins can "+what+" the question of the day. "+
			"Admins are set in DEVOPSBOT_ADMINS."))
	}
	d := r.getDaily()
	if d == nil {
		return textResponse(true, plain("The question of the day is not set up here: DEVOPSBOT_QUIZ_CHANNEL is empty."))
	}
	var err error
	if what == "post" {
		err = d.Post(ctx)
	} else {
		err = d.Close(ctx)
	}
	if err != nil {
		if errors.Is(err, quiz.ErrNotFound) && what == "close" {
			return textResponse(true, plain("There is no open question of the day to close."))
		}
		return r.fail(ctx, "quiz "+what, err)
	}
	if what == "post" {
		return textResponse(true, plain("Posted the question of the day."))
	}
	return textResponse(true, plain("Closed the question of the day; the answer is in its thread."))
}

func parsePeriod(s string) (quiz.Period, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "week", "weekly", "this week":
		return quiz.Week, true
	case "month", "monthly", "this month":
		return quiz.Month, true
	case "all", "all time", "alltime", "ever":
		return quiz.All, true
	}
	return "", false
}

func (r *Router) leaderboard(ctx context.Context, arg string, v view) Response {
	p, ok := parsePeriod(arg)
	if !ok {
		return textResponse(!v.public, plain("Which period? "), code("leaderboard week"), plain(", "),
			code("leaderboard month"), plain(" or "), code("leaderboard all"), plain("."))
	}
	rows, err := r.quiz.Leaderboard(ctx, p, leaderboardTop)
	if err != nil {
		return r.fail(ctx, "leaderboard", err)
	}
	return renderLeaderboard(p, rows, v).response()
}

// parseUser reads a Slack user mention (<@U123|name> or <@U123>), a bare
// user ID, "me" or "team"; ok is false for anything else.
func parseUser(s, self string) (user string, ok bool) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "me", "my", "mine":
		return self, true
	case "team", "all", "everyone":
		return "", true
	}
	if strings.HasPrefix(s, "<@") && strings.HasSuffix(s, ">") {
		id := s[2 : len(s)-1]
		id, _, _ = strings.Cut(id, "|")
		if slackID(id) {
			return id, true
		}
		return "", false
	}
	if slackID(s) {
		return s, true
	}
	return "", false
}

func (r *Router) stats(ctx context.Context, req Request, arg string, v view) Response {
	user, ok := parseUser(arg, req.User)
	if !ok && r.opts.Bare {
		// Console users are plain names (console --user alice).
		if name := strings.TrimPrefix(strings.TrimSpace(arg), "@"); name != "" && !strings.ContainsFunc(name, unicode.IsSpace) {
			user, ok = name, true
		}
	}
	if !ok {
		return textResponse(!v.public, plain("Whose stats? Mention someone ("), code("stats @name"),
			plain("), or use "), code("stats"), plain(" for yours and "), code("stats team"), plain(" for the team's."))
	}
	return r.statsFor(ctx, user, v)
}

func (r *Router) statsFor(ctx context.Context, user string, v view) Response {
	st, err := r.quiz.Stats(ctx, user)
	if err != nil {
		return r.fail(ctx, "stats", err)
	}
	st.User = user
	if !st.ExamSet {
		st.DaysToExam, st.ExamSet = r.DaysToExam()
	}
	return renderStats(st, v).response()
}

// fail turns an error from index or quiz into a short reply; unknown errors
// are logged and get an apology.
func (r *Router) fail(ctx context.Context, op string, err error) Response {
	setOutcome(ctx, failOutcome(err))
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return textResponse(true, plain("That took too long. Please try again."))
	case errors.Is(err, quiz.ErrNoQuestions):
		return textResponse(true, plain("There are no quiz questions yet: the notes gave none and the question bank is empty."))
	case errors.Is(err, quiz.ErrNotFound):
		return textResponse(true, plain("That question is no longer available. Try "), r.cmd("quiz"), plain(" for a new one."))
	case errors.Is(err, quiz.ErrBadChoice):
		return textResponse(true, plain("That option does not exist any more. Try "), r.cmd("quiz"), plain(" for a new question."))
	case errors.Is(err, index.ErrEmptyQuery):
		return textResponse(true, plain("Type a few words to look up, for example "), r.cmd("lookup canary"), plain("."))
	case errors.Is(err, index.ErrQuestionTooLong):
		return textResponse(true, plain(fmt.Sprintf("That is too long for one question (over %d KB). Paste just the scenario and its options.", index.MaxQuestionBytes>>10)))
	case errors.Is(err, index.ErrNoScenario):
		return textResponse(true, plain("I see options but no question before them. Paste the scenario and the question too."))
	case errors.Is(err, index.ErrDuplicateOption):
		return textResponse(true, plain("The same option letter appears twice. Check the options and paste the question again."))
	case errors.Is(err, index.ErrTooManyOptions):
		return textResponse(true, plain(fmt.Sprintf("That has too many options: at most %d, lettered A) B) C) …", index.MaxOptions)))
	case errors.Is(err, index.ErrEmptyOption):
		return textResponse(true, plain("One of the options has no text. Check the options and paste the question again."))
	case errors.Is(err, quiz.ErrReadOnly):
		r.lg.WarnContext(ctx, "bot.Router store read-only", "op", op, "err", err)
		return textResponse(true, plain("Scores can't be saved right now; lookups still work. Please try again later."))
	case errors.Is(err, quiz.ErrNoUser):
		return textResponse(true, plain("I could not tell who you are, so nothing was recorded. Please try again."))
	case errors.Is(err, quiz.ErrBadPeriod):
		return textResponse(true, plain("Which period? "), r.cmd("leaderboard week"), plain(", "),
			code("month"), plain(" or "), code("all"), plain("."))
	case errors.Is(err, quiz.ErrBank):
		r.lg.WarnContext(ctx, "bot.Router bad question bank", "op", op, "err", err)
		return textResponse(true, plain("The question bank has problems; "), code("devopsbot quiz check FILE"), plain(" lists them."))
	case errors.Is(err, index.ErrNoDocuments):
		return textResponse(true, plain("There are no notes to search: the notes files given were empty."))
	case errors.Is(err, index.ErrAliases):
		r.lg.WarnContext(ctx, "bot.Router bad alias file", "op", op, "err", err)
		return textResponse(true, plain("The alias files have problems; check DEVOPSBOT_ALIASES."))
	case errors.Is(err, index.ErrEvalFile):
		return textResponse(true, plain("That eval file has problems: each line must be one JSON object."))
	}
	r.lg.ErrorContext(ctx, "bot.Router failed", "op", op, "err", err)
	return textResponse(true, plain("Sorry, something went wrong. Please try again in a moment."))
}

// Action handles a click on one of the router's buttons.
func (r *Router) Action(ctx context.Context, a Action) ActionResult {
	switch actionBase(a.ActionID) {
	case ActionAnswerDaily:
		return r.answerDaily(ctx, a)
	case ActionAnswerPractice:
		return r.answerPractice(ctx, a)
	case ActionPracticeNext:
		resp := r.practice(ctx, a.User)
		return ActionResult{Reply: &resp}
	case ActionQuizMe:
		doc, id, ok := strings.Cut(a.Value, "|")
		if !ok || id == "" {
			return r.badAction(ctx, a)
		}
		q, err := r.quiz.PracticeFrom(ctx, a.User, doc, id)
		if errors.Is(err, quiz.ErrNoQuestions) || errors.Is(err, quiz.ErrNotFound) {
			resp := r.practice(ctx, a.User)
			if resp.msg != nil && len(resp.Blocks) > 0 {
				resp.msg.parts = append([]part{{kind: partContext, runs: []run{plain("No questions come from that section yet; here is one from anywhere.")}}}, resp.msg.parts...)
				resp = resp.msg.response()
			}
			return ActionResult{Reply: &resp}
		}
		if err != nil {
			resp := r.fail(ctx, "practice from", err)
			return ActionResult{Reply: &resp}
		}
		resp := renderPractice(q).response()
		return ActionResult{Reply: &resp}
	case ActionLookup:
		resp := r.lookup(ctx, a.Value, r.view(false))
		return ActionResult{Reply: &resp}
	case ActionShare:
		return r.share(ctx, a)
	}
	return r.badAction(ctx, a)
}

func (r *Router) badAction(ctx context.Context, a Action) ActionResult {
	setOutcome(ctx, OutcomeInvalid)
	r.lg.WarnContext(ctx, "bot.Router unknown action", "action_id", a.ActionID, "user", a.User)
	resp := textResponse(true, plain("Sorry, that button no longer works. Try the command again."))
	return ActionResult{Reply: &resp}
}

// parseChoice splits "id|choice".
func parseChoice(v string) (string, int, bool) {
	i := strings.LastIndexByte(v, '|')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(v[i+1:])
	if err != nil || n < 0 || n > 25 {
		return "", 0, false
	}
	return v[:i], n, true
}

func (r *Router) answerPractice(ctx context.Context, a Action) ActionResult {
	qid, choice, ok := parseChoice(a.Value)
	if !ok {
		return r.badAction(ctx, a)
	}
	res, err := r.quiz.AnswerPractice(ctx, a.User, qid, choice)
	if err != nil {
		resp := r.fail(ctx, "answer practice", err)
		return ActionResult{Reply: &resp}
	}
	if res.Question.ID == "" {
		if q, ok := r.quiz.Question(qid); ok {
			res.Question = q
		}
	}
	resp := renderResult(res, false, r.view(false)).response()
	return ActionResult{Reply: &resp}
}

func (r *Router) answerDaily(ctx context.Context, a Action) ActionResult {
	roundID, choice, ok := parseChoice(a.Value)
	if !ok {
		return r.badAction(ctx, a)
	}
	res, err := r.quiz.AnswerRound(ctx, roundID, a.User, choice)
	if err != nil {
		resp := r.fail(ctx, "answer round", err)
		return ActionResult{Reply: &resp}
	}
	reply := renderResult(res, true, r.view(false)).response()
	out := ActionResult{Reply: &reply}
	if res.Already || res.Closed {
		return out
	}
	rd, err := r.quiz.Round(ctx, roundID)
	if err != nil {
		r.lg.WarnContext(ctx, "bot.Router round for update", "round", roundID, "err", err)
		return out
	}
	if !rd.OpenedAt.IsZero() {
		rd.OpenedAt = rd.OpenedAt.In(r.opts.Location)
	}
	days, set := r.DaysToExam()
	upd := RenderDaily(rd, res.Answered, days, set)
	out.Update = &upd
	return out
}

// share posts an ephemeral reply publicly, naming who shared it, and
// replaces the private copy with one without the Share button. A second
// click on the same message posts nothing.
func (r *Router) share(ctx context.Context, a Action) ActionResult {
	cmd, arg, ok := strings.Cut(a.Value, "|")
	if !ok {
		return r.badAction(ctx, a)
	}
	key := ""
	if a.MessageTS != "" {
		key = a.User + "|" + a.Channel + "|" + a.MessageTS + "|" + a.Value
		if !r.shared.add(key, r.opts.Now()) {
			resp := textResponse(true, plain("Already shared in the channel."))
			return ActionResult{Reply: &resp}
		}
	}
	pub := r.view(true)
	pub.sharedBy = a.User
	priv := r.view(false)
	priv.shared = true
	var post, mine Response
	switch cmd {
	case "lookup":
		post = r.lookup(ctx, arg, pub)
		mine = r.lookup(ctx, arg, priv)
	case "ask":
		q, err := index.ParseQuestion(arg)
		if err != nil {
			post = r.fail(ctx, "parse question", err)
			break
		}
		ans, err := r.search.Ask(ctx, q)
		if err != nil {
			post = r.fail(ctx, "ask", err)
			break
		}
		post = renderAsk(q, ans, arg, pub).response()
		mine = renderAsk(q, ans, arg, priv).response()
	case "leaderboard":
		post = r.leaderboard(ctx, arg, pub)
		mine = r.leaderboard(ctx, arg, priv)
	case "stats":
		user := arg // from our own button: a user ID, or "team"
		if arg == "team" {
			user = ""
		}
		post = r.statsFor(ctx, user, pub)
		mine = r.statsFor(ctx, user, priv)
	default:
		r.forgetShare(key)
		return r.badAction(ctx, a)
	}
	if post.Ephemeral {
		// An error reply: show it to the clicker only; the button still works.
		r.forgetShare(key)
		return ActionResult{Reply: &post}
	}
	post.Ephemeral = false
	res := ActionResult{Post: &post, shareKey: key}
	if len(mine.Blocks) > 0 && mine.Ephemeral {
		res.Update = &mine
	}
	return res
}

// forgetShare lets a share be clicked again (its post failed).
func (r *Router) forgetShare(key string) {
	if key != "" {
		r.shared.forget(key)
	}
}
