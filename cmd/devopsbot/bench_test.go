package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/devopsbot/devopsbot/bot"
	"github.com/devopsbot/devopsbot/bot/slackfake"
)

// BenchmarkServeLookup50 is the budget's measurement on the whole product:
// `devopsbot serve` (run, as main calls it, with its logging, metrics and
// garbage collector settings) answering signed `/devops lookup` slash
// commands over HTTP on loopback from 50 concurrent keep-alive clients.
// Budget: p99 under 10 ms, no errors.
//
//	go test ./cmd/devopsbot -run '^$' -bench ServeLookup50 -benchtime 5000x
func BenchmarkServeLookup50(b *testing.B) {
	const clients = 50
	fake := slackfake.New(b)
	cfg := testConfig(b, fake, filepath.Join(b.TempDir(), "bot.db"))
	bt := startBot(b, cfg)
	slackfake.Load(b, slackfake.LoadOptions{
		Addr:   cfg.Addr,
		Path:   bot.PathCommands,
		Secret: testSecret,
		Bodies: slackfake.SlashCommands(fake.ResponseURL("bench"), "lookup canary", "lookup blue green deployment",
			"lookup stack policy", "lookup codedeploy lifecycle hooks", "lookup ecs task definition",
			"lookup s3 cross region replication"),
		Clients: clients,
	})
	// Resident memory of the process (the bot and the clients) after the run.
	if m := regexp.MustCompile(`process_resident_memory_bytes ([0-9.e+]+)`).FindStringSubmatch(bt.get(bot.PathMetrics)); m != nil {
		if v, err := strconv.ParseFloat(m[1], 64); err == nil {
			b.ReportMetric(v/(1<<20), "rss_MB")
		}
	}
}
