package main

// Config is the whole configuration, read once from the environment in main
// (the only envconfig call). Tests build it as a literal.
type Config struct {
	BotToken      string   `envconfig:"SLACK_BOT_TOKEN" desc:"Bot token (xoxb-...): enables Slack"`
	SigningSecret string   `envconfig:"SLACK_SIGNING_SECRET" desc:"Signing secret: enables the HTTP transport"`
	AppToken      string   `envconfig:"SLACK_APP_TOKEN" desc:"App-level token (xapp-...): enables Socket Mode"`
	APIURL        string   `envconfig:"SLACK_API_URL" default:"https://slack.com/api/" desc:"Slack Web API base URL"`
	Addr          string   `envconfig:"DEVOPSBOT_ADDR" default:":3000" desc:"HTTP listen address"`
	DB            string   `envconfig:"DEVOPSBOT_DB" default:"data/devopsbot.db" desc:"Path of the embedded database file, or a postgres:// URL (several replicas share one PostgreSQL)"`
	Notes         []string `envconfig:"DEVOPSBOT_NOTES" desc:"Comma-separated notes sources replacing the embedded notes: Markdown files, directories (every *.md under them) or https:// URLs"`
	Aliases       []string `envconfig:"DEVOPSBOT_ALIASES" desc:"Comma-separated alias files extending the built-in abbreviations (one class per line: asg | auto scaling group)"`
	NotesRefresh  string   `envconfig:"DEVOPSBOT_NOTES_REFRESH" desc:"How often the notes are read again (e.g. 15m): URLs with a conditional request, files such as a mounted ConfigMap; empty: only on SIGHUP and admin reload"`
	NotesURL      string   `envconfig:"DEVOPSBOT_NOTES_URL" desc:"Base URL for links to sections (section ID appended as #anchor)"`
	Questions     []string `envconfig:"DEVOPSBOT_QUESTIONS" desc:"Comma-separated question bank YAML files"`
	QuizChannel   string   `envconfig:"DEVOPSBOT_QUIZ_CHANNEL" desc:"Channel ID of the default quiz channel, where the question of the day is posted (admins add more in Slack: /devops admin channel)"`
	QuizSchedule  string   `envconfig:"DEVOPSBOT_QUIZ_SCHEDULE" default:"0 9 * * MON-FRI" desc:"Cron spec for posting the question of the day in DEVOPSBOT_QUIZ_CHANNEL"`
	QuizClose     string   `envconfig:"DEVOPSBOT_QUIZ_CLOSE" default:"0 17 * * MON-FRI" desc:"Cron spec for closing it"`
	TZ            string   `envconfig:"DEVOPSBOT_TZ" default:"UTC" desc:"IANA time zone for schedules, days and streaks"`
	ExamDate      string   `envconfig:"DEVOPSBOT_EXAM_DATE" desc:"Exam date YYYY-MM-DD (optional): shows days to the exam"`
	Admins        []string `envconfig:"DEVOPSBOT_ADMINS" desc:"Comma-separated Slack user IDs allowed to quiz post / quiz close"`
	LookupCache   int      `envconfig:"DEVOPSBOT_LOOKUP_CACHE" default:"2048" desc:"How many lookup replies are kept for queries asked again (0: none); emptied when the notes change"`
	// ShutdownDrain is how long serve keeps answering after SIGTERM, with
	// /readyz at 503, before it stops: time for load balancers to notice.
	ShutdownDrain string `envconfig:"DEVOPSBOT_SHUTDOWN_DRAIN" default:"5s" desc:"After SIGTERM, keep serving this long with /readyz at 503 before stopping (0 stops at once)"`
}
