package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

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
	queries := []string{"lookup canary", "lookup blue green deployment", "lookup stack policy",
		"lookup codedeploy lifecycle hooks", "lookup ecs task definition", "lookup s3 cross region replication"}
	bodies := make([][]byte, len(queries))
	for i, q := range queries {
		bodies[i] = []byte(url.Values{"command": {"/devops"}, "text": {q}, "user_id": {"U1"},
			"channel_id": {"C1"}, "response_url": {fake.ResponseURL("bench")}}.Encode())
	}
	type conn struct {
		c net.Conn
		r *bufio.Reader
	}
	conns := make([]conn, clients)
	for i := range conns {
		c, err := net.Dial("tcp", cfg.Addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		conns[i] = conn{c, bufio.NewReader(c)}
	}
	lat := make([]time.Duration, b.N)
	var next, failures atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	cpu0 := cpuTime()
	start := time.Now()
	for _, c := range conns {
		wg.Go(func() {
			var buf []byte
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				// A unique trigger_id, as Slack sends: the same signed
				// request twice would be refused as a replay.
				body := fmt.Appendf(slices.Clip(bodies[i%int64(len(bodies))]), "&trigger_id=%d", i)
				t0 := time.Now()
				ts := strconv.FormatInt(t0.Unix(), 10)
				buf = fmt.Appendf(buf[:0], "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
					"Content-Length: %d\r\nX-Slack-Request-Timestamp: %s\r\nX-Slack-Signature: %s\r\n\r\n",
					bot.PathCommands, cfg.Addr, len(body), ts, slackfake.Sign(testSecret, ts, body))
				buf = append(buf, body...)
				ok := false
				if _, err := c.c.Write(buf); err == nil {
					if resp, err := http.ReadResponse(c.r, nil); err == nil {
						n, _ := io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						ok = resp.StatusCode == http.StatusOK && n > 0
					}
				}
				lat[i] = time.Since(t0)
				if !ok {
					failures.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	b.StopTimer()
	if f := failures.Load(); f > 0 {
		b.Fatalf("%d of %d requests failed", f, b.N)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu_us/req")
	// Resident memory of the process (the bot and the clients) after the run.
	if m := regexp.MustCompile(`process_resident_memory_bytes ([0-9.e+]+)`).FindStringSubmatch(bt.get(bot.PathMetrics)); m != nil {
		if v, err := strconv.ParseFloat(m[1], 64); err == nil {
			b.ReportMetric(v/(1<<20), "rss_MB")
		}
	}
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
