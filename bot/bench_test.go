package bot

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

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
	queries := []string{"lookup canary", "lookup blue green deployment", "lookup stack policy",
		"lookup codedeploy lifecycle hooks", "lookup ecs task definition", "lookup s3 cross region replication"}
	bodies := make([][]byte, len(queries))
	for i, q := range queries {
		bodies[i] = []byte(url.Values{"command": {"/devops"}, "text": {q}, "user_id": {"U1"},
			"channel_id": {"C1"}, "response_url": {e.fake.ResponseURL("bench")}}.Encode())
	}
	addr := strings.TrimPrefix(e.srv.URL, "http://")
	// The clients are minimal HTTP/1.1 keep-alive clients (like wrk): one
	// connection each, a request written in one go, the response read with
	// http.ReadResponse. They cost little CPU next to the server.
	conns := make([]*benchConn, clients)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		conns[i] = &benchConn{c: c, r: bufio.NewReader(c)}
		defer c.Close()
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
					PathCommands, addr, len(body), ts, slackfake.Sign(testSecret, ts, body))
				buf = append(buf, body...)
				ok := c.roundTrip(buf)
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
	p99 := lat[min(len(lat)-1, len(lat)*99/100)]
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	// CPU time of the whole process (server and clients) per request:
	// unlike the latencies, it does not depend on what else the machine runs.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu_us/req")
	if len(e.fake.Calls()) != 0 {
		b.Errorf("lookups called Slack: %d calls", len(e.fake.Calls()))
	}
}

// benchConn is one keep-alive client connection.
type benchConn struct {
	c net.Conn
	r *bufio.Reader
}

// roundTrip writes a raw request and reports whether a 200 with a JSON
// body came back.
func (c *benchConn) roundTrip(req []byte) bool {
	if _, err := c.c.Write(req); err != nil {
		return false
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return false
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK && n > 0
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
