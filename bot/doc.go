// Package bot is the Slack bot: a transport-agnostic command router for
// /devops (its subcommands are one table, subcommands in commands.go), Block
// Kit and plain-text rendering within Slack's size limits, and the
// transports that feed the router: Slack over HTTP, Slack Socket Mode and a
// local console.
//
// It owns the commands, the replies and their rendering, the transports,
// the question-of-the-day scheduler (DailyScheduler: every quiz channel on
// its own cron schedules, zone and exam date, driven by a Clock) and the
// metrics, and is the only package
// that turns errors into user text. Import rules (DESIGN.md, checked by
// deploy's TestImportRules): it imports index, quiz and notes and Slack's
// client, never Bleve, a store (quiz/bolt, quiz/memory, quiz/postgres) or
// cmd; it reaches the index and the quiz engine through its Searcher and
// Quiz interfaces.
//
// # Router
//
// Router.Command answers a slash command, Router.Mention an app_mention or a
// direct message, Router.Shortcut the message shortcut "Ask devopsbot" (the
// same ask-or-lookup routing as a mention, privately), Router.AskPasted a
// question pasted in the global shortcut's modal (modal.go), Router.Home a
// person's App Home tab (home.go; published on app_home_opened and again
// after each of their answers), Router.Action a click on one of its
// buttons. Each returns
// Responses: a transport-neutral model that each transport renders. The
// router calls
// the index and the quiz engine through the small Searcher and Quiz
// interfaces, and turns their errors into short replies; unknown errors are
// logged and get an apology.
//
// Buttons carry an action_id made of one of the Action* constants and ":n"
// (unique within a message) and a value:
//
//	ActionAnswerDaily     "roundID|choice"      answer the question of the day
//	ActionAnswerPractice  "questionID|choice"   answer a practice question
//	ActionPracticeNext    ""                    another practice question
//	ActionQuizMe          "doc|sectionID"       a practice question on a section
//	ActionShare           "command|argument"    post an ephemeral reply publicly
//	ActionShareThread     "ts|command|argument" the same, in the thread of ts
//	ActionLookup          query                 look up a suggested section
//	ActionPracticeDomain  domain number or ""   Home tab: practise the weakest domain
//	ActionPracticeMissed  ""                    Home tab: practise what the person missed
//
// # Rendering
//
// A Response is a small model (parts made of styled runs) that is rendered
// where it is sent: as Block Kit (renderSlack for messages, renderView for
// the Home tab and modals) (mrkdwn escaped, verbatim, every text and the
// whole payload kept under Slack's documented limits, written down once in
// fit.go, and a message well below the 20 KB a Socket Mode ack may take) and as plain text for the console and the command
// line's lookup (renderPlain, LookupText), with ANSI bold only when asked. RenderDaily and RenderClose render the question of the day for
// the scheduler.
//
// # Console
//
// Console reads the same commands from an io.Reader, one per line, and
// writes the replies as plain text; it adds "answer B", "next", "quiz me N",
// "home" (the Home tab's content) with "weak" and "missed", and a multi-line
// "ask", and ends at EOF or "quit".
package bot
