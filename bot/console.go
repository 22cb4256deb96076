package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"

	"github.com/devopsbot/devopsbot/quiz"
)

// ConsoleOptions configure a Console.
type ConsoleOptions struct {
	User   string // who is typing; "console" when empty
	Colour bool   // ANSI bold and dim: only when writing to a terminal
	Prompt bool   // a banner and a prompt before each command: interactive use
}

// Console is the local transport: the /devops commands typed on a reader,
// replies written as plain text. It works through a pipe and stops at EOF
// or "quit".
type Console struct {
	lg   *slog.Logger
	r    *Router
	opts ConsoleOptions

	answers []button          // answer buttons of the last question shown
	next    *button           // "Another question"
	quizMe  []button          // "Quiz me on this" buttons of the last lookup
	flagQ   string            // the question of the last revealed answer, for flag
	home    map[string]button // the Home tab's practice buttons, by "weak" and "missed"
}

// NewConsole returns a console over the router.
func NewConsole(lg *slog.Logger, r *Router, opts ConsoleOptions) *Console {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	if opts.User == "" {
		opts.User = "console"
	}
	return &Console{lg: lg, r: r, opts: opts}
}

// maxConsoleLine bounds one input line (a pasted question fits easily).
const maxConsoleLine = 1 << 20

// lines reads lines in the background so that Run can stop on ctx, with one
// line of push-back.
type lines struct {
	ch     chan string
	stop   chan struct{} // closed when Run returns: the reader stops sending
	err    error         // set before ch is closed
	pushed []string
}

func readLines(in io.Reader) *lines {
	l := &lines{ch: make(chan string), stop: make(chan struct{})}
	go func() {
		defer close(l.ch)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), maxConsoleLine)
		for sc.Scan() {
			select {
			case l.ch <- strings.TrimRight(sc.Text(), "\r"):
			case <-l.stop:
				return
			}
		}
		l.err = sc.Err()
	}()
	return l
}

// next returns the next line; ok is false at EOF or when ctx is done.
func (l *lines) next(ctx context.Context) (string, bool) {
	if n := len(l.pushed); n > 0 {
		s := l.pushed[n-1]
		l.pushed = l.pushed[:n-1]
		return s, true
	}
	select {
	case s, ok := <-l.ch:
		return s, ok
	case <-ctx.Done():
		return "", false
	}
}

func (l *lines) unread(s string) { l.pushed = append(l.pushed, s) }

// optionLine matches a line that starts an answer option: A) A. (A) a) A -
var optionLine = regexp.MustCompile(`^\s*(\(?[A-Fa-f]\)|[A-Fa-f][.):]|[A-Fa-f]\s+-)\s*\S`)

// Run reads commands from in until EOF, "quit" or ctx is done, writing the
// replies to out. It returns an error only when reading or writing fails.
func (c *Console) Run(ctx context.Context, in io.Reader, out io.Writer) error {
	w := &errWriter{w: out}
	if c.opts.Prompt {
		w.printf("devopsbot console: the /devops commands, typed here. Type help for the list, quit to leave.\n")
	}
	ls := readLines(in)
	defer close(ls.stop)
	for w.err == nil {
		if c.opts.Prompt {
			w.printf("devops> ")
		}
		line, ok := ls.next(ctx)
		if !ok {
			if c.opts.Prompt {
				w.printf("\n")
			}
			break
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		word, rest := splitWord(line)
		switch strings.ToLower(word) {
		case "quit", "exit", "bye":
			return w.err
		case "answer":
			c.answer(ctx, w, rest)
		case "next", "another":
			if c.next != nil {
				c.action(ctx, w, *c.next)
			} else {
				c.command(ctx, w, "quiz")
			}
		case "help", "?":
			m := c.r.help(c.opts.User, "")
			m.text(plain("In the console also: "), code("answer B"), plain(" answers the last question; "),
				code("next"), plain(" another practice question; "), code("quiz me 2"),
				plain(" a question on the 2nd section of the last lookup; "), code("home"),
				plain(" your readiness, today's question and the leaderboard, then "), code("weak"), plain(" or "), code("missed"),
				plain(" practice; "), code("ask"),
				plain(" alone reads a pasted question up to an empty line; "), code("flag unclear"),
				plain(" flags the last answered question (wrong, two, unclear, outdated, other); "), code("quit"), plain(" leaves."))
			c.show(w, m)
		case "home", "weak", "missed":
			c.homeCommand(ctx, w, strings.ToLower(word))
		case "flag":
			c.flag(ctx, w, rest)
		case "share":
			w.printf("Sharing posts in a Slack channel; here it is just you.\n\n")
		case "ask":
			if rest == "" && c.opts.Prompt {
				w.printf("Paste the question and its options, then an empty line:\n")
			}
			c.command(ctx, w, "ask "+c.readQuestion(ctx, ls, rest))
		case "quiz":
			if sub, arg := splitWord(rest); strings.EqualFold(sub, "me") && len(c.quizMe) > 0 {
				n := 1
				if arg != "" {
					n, _ = strconv.Atoi(arg)
				}
				if n < 1 || n > len(c.quizMe) {
					w.printf("quiz me takes 1 to %d (the section of the last lookup).\n\n", len(c.quizMe))
					continue
				}
				c.action(ctx, w, c.quizMe[n-1])
				continue
			}
			c.command(ctx, w, line)
		default:
			c.command(ctx, w, line)
		}
	}
	if w.err != nil {
		return fmt.Errorf("console write: %w", w.err)
	}
	if ctx.Err() == nil && ls.err != nil {
		return fmt.Errorf("console read: %w", ls.err)
	}
	return nil
}

// readQuestion completes an ask: "ask" alone reads lines up to an empty
// line; "ask text" also takes the option lines that follow it.
func (c *Console) readQuestion(ctx context.Context, ls *lines, first string) string {
	var b strings.Builder
	b.WriteString(first)
	if first == "" {
		for {
			l, ok := ls.next(ctx)
			if !ok || strings.TrimSpace(l) == "" {
				break
			}
			b.WriteString("\n" + l)
		}
		return strings.TrimSpace(b.String())
	}
	for {
		l, ok := ls.next(ctx)
		if !ok {
			break
		}
		if !optionLine.MatchString(l) {
			ls.unread(l)
			break
		}
		b.WriteString("\n" + l)
	}
	return b.String()
}

func (c *Console) request(text string) Request {
	return Request{User: c.opts.User, UserName: c.opts.User, Channel: "console", Text: text}
}

func (c *Console) command(ctx context.Context, w *errWriter, text string) {
	c.show(w, c.r.Command(ctx, c.request(text)))
}

func (c *Console) action(ctx context.Context, w *errWriter, b button) {
	res := c.r.Action(ctx, Action{
		User: c.opts.User, UserName: c.opts.User, Channel: "console",
		ActionID: b.actionID, Value: b.value,
	})
	shown := false
	if res.Reply != nil {
		c.show(w, *res.Reply)
		shown = true
	}
	if res.Post != nil {
		c.show(w, *res.Post)
		shown = true
	}
	if !shown && res.Update != nil {
		c.show(w, *res.Update)
	}
}

// answer answers the last question shown: "answer B" or "answer 2".
func (c *Console) answer(ctx context.Context, w *errWriter, arg string) {
	if len(c.answers) == 0 {
		w.printf("No question is waiting for an answer. Type quiz for one.\n\n")
		return
	}
	arg = strings.Trim(strings.TrimSpace(arg), "().")
	i := -1
	if len(arg) == 1 && (arg[0]|0x20) >= 'a' && (arg[0]|0x20) <= 'z' {
		i = int(arg[0]|0x20) - 'a'
	} else if n, err := strconv.Atoi(arg); err == nil {
		i = n - 1
	}
	if i < 0 || i >= len(c.answers) {
		w.printf("Answer with a letter from A to %s, e.g. answer B.\n\n", optionKey(len(c.answers)-1))
		return
	}
	b := c.answers[i]
	c.answers = nil
	c.action(ctx, w, b)
}

// flag flags the question of the last revealed answer: "flag unclear",
// "flag two answers fit".
func (c *Console) flag(ctx context.Context, w *errWriter, arg string) {
	if c.flagQ == "" {
		w.printf("No answer shown yet to flag. Answer a question first (quiz, then answer B).\n\n")
		return
	}
	reason, err := quiz.ParseFlagReason(arg)
	if err != nil {
		w.printf("Flag with a reason: flag wrong, flag two, flag unclear, flag outdated or flag other.\n\n")
		return
	}
	c.action(ctx, w, button{actionID: ActionFlag, value: c.flagQ + "|" + string(reason)})
}

// show prints a response and remembers its buttons for answer, next, quiz
// me and flag.
func (c *Console) show(w *errWriter, resp Response) {
	w.printf("%s\n\n", renderPlain(resp, plainStyle{colour: c.opts.Colour, hints: true}))
	var answers, quizMe []button
	for _, p := range resp.parts {
		for _, b := range p.buttons {
			switch actionBase(b.actionID) {
			case ActionAnswerPractice, ActionAnswerDaily:
				answers = append(answers, b)
			case ActionPracticeNext:
				bb := b
				c.next = &bb
			case ActionQuizMe:
				quizMe = append(quizMe, b)
			case ActionFlagAsk:
				c.flagQ = b.value
			case ActionPracticeDomain:
				c.homeButton("weak", b)
			case ActionPracticeMissed:
				c.homeButton("missed", b)
			}
		}
	}
	if len(answers) > 0 {
		c.answers = answers
	}
	if len(quizMe) > 0 {
		c.quizMe = quizMe
	}
}

// homeCommand shows the Home tab ("home") or clicks one of its practice
// buttons ("weak", "missed").
func (c *Console) homeCommand(ctx context.Context, w *errWriter, word string) {
	if word == "home" {
		c.show(w, c.r.Home(ctx, c.opts.User))
		return
	}
	b, ok := c.home[word]
	if !ok {
		w.printf("Type home first: it shows your weakest domain and what you missed.\n\n")
		return
	}
	c.action(ctx, w, b)
}

// homeButton remembers a practice button of the Home tab under the word
// that clicks it.
func (c *Console) homeButton(word string, b button) {
	if c.home == nil {
		c.home = map[string]button{}
	}
	c.home[word] = b
}

// errWriter remembers the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err != nil {
		return
	}
	_, e.err = fmt.Fprintf(e.w, format, args...)
}
