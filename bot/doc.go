// Package bot is the Slack bot: a transport-agnostic command router for
// /devops (lookup, ask, quiz, leaderboard, stats, help), Block Kit and plain
// text rendering within Slack's size limits, and the transports that feed it:
// Slack over HTTP, Slack Socket Mode and a local console.
package bot
