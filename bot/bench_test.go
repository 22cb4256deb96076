package bot

import (
	"strings"
	"testing"

	"github.com/devopsbot/devopsbot/bot/slackfake"
)

// BenchmarkHTTPLookup50 sends signed `/devops lookup` slash commands to the
// HTTP transport on loopback from 50 concurrent clients and reports the
// requests per second and the 99th percentile latency (budget: 10 ms).
//
//	go test ./bot -run '^$' -bench HTTPLookup50 -benchtime 2000x
func BenchmarkHTTPLookup50(b *testing.B) { benchHTTPLookup(b, 50) }

// BenchmarkHTTPLookup1 is the same with one client: the latency of one
// request on an idle server.
func BenchmarkHTTPLookup1(b *testing.B) { benchHTTPLookup(b, 1) }

func benchHTTPLookup(b *testing.B, clients int) {
	e := newHTTPEnv(b, nil, HTTPOptions{})
	slackfake.Load(b, slackfake.LoadOptions{
		Addr:   strings.TrimPrefix(e.srv.URL, "http://"),
		Path:   PathCommands,
		Secret: testSecret,
		Bodies: slackfake.SlashCommands(e.fake.ResponseURL("bench"), "lookup canary", "lookup blue green deployment",
			"lookup stack policy", "lookup codedeploy lifecycle hooks", "lookup ecs task definition",
			"lookup s3 cross region replication"),
		Clients: clients,
	})
	if len(e.fake.Calls()) != 0 {
		b.Errorf("lookups called Slack: %d calls", len(e.fake.Calls()))
	}
}
