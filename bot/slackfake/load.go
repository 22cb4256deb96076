package slackfake

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
	"testing"
	"time"
	"unicode"

	"github.com/devopsbot/devopsbot/notes"
)

// Lookups returns distinct lookup command texts made from doc, the way
// people type them: every section title (up to six words) and the first
// four words of every fact, each after "lookup ".
func Lookups(doc *notes.Document) []string {
	seen := map[string]bool{}
	var qs []string
	add := func(s string, n int) {
		ws := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if len(ws) == 0 {
			return
		}
		q := "lookup " + strings.Join(ws[:min(n, len(ws))], " ")
		if !seen[q] {
			seen[q] = true
			qs = append(qs, q)
		}
	}
	for _, s := range doc.Sections {
		add(s.Title, 6)
		for _, f := range s.Facts {
			add(f.Text, 4)
		}
	}
	return qs
}

// SlashCommands returns the form bodies of `/devops` slash commands from
// user U1 in channel C1, one per text, each replying to responseURL. They
// have no trigger_id: Load adds a unique one to every request.
func SlashCommands(responseURL string, texts ...string) [][]byte {
	bodies := make([][]byte, len(texts))
	for i, t := range texts {
		bodies[i] = []byte(url.Values{"command": {"/devops"}, "text": {t}, "user_id": {"U1"},
			"channel_id": {"C1"}, "response_url": {responseURL}}.Encode())
	}
	return bodies
}

// LoadOptions says where Load sends its requests and what they are.
type LoadOptions struct {
	Addr    string   // the server's host:port
	Path    string   // the slash command route
	Secret  string   // the signing secret the requests are signed with
	Bodies  [][]byte // form bodies (see SlashCommands), sent in turn
	Clients int      // concurrent keep-alive connections
}

// LoadResult is what one Load measured.
type LoadResult struct {
	Latencies []time.Duration // one per request, sorted
	Elapsed   time.Duration   // wall time of the whole load
	CPU       time.Duration   // CPU time of the process (0 where unknown)
}

// Load sends b.N signed slash commands with Send, timing only the requests
// (the connections are dialled before the timer starts). It fails b if a
// request does not come back 200 with a body, and otherwise reports p99_ms,
// p50_ms, req/s and cpu_us/req.
//
// The clients are minimal HTTP/1.1 keep-alive clients (like wrk): one
// connection each, a request written in one go, the response read with
// http.ReadResponse. They cost little CPU next to the server.
func Load(b *testing.B, o LoadOptions) LoadResult {
	b.Helper()
	r, err := Send(o, b.N, b.ResetTimer)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(r.P(99), "p99_ms")
	b.ReportMetric(r.P(50), "p50_ms")
	b.ReportMetric(r.Rate(), "req/s")
	// CPU time of the whole process (server and clients) per request:
	// unlike the latencies, it does not depend on what else the machine runs.
	if r.CPU > 0 {
		b.ReportMetric(float64(r.CPU.Microseconds())/float64(b.N), "cpu_us/req")
	}
	return r
}

// Send sends n signed slash commands to o.Addr from o.Clients concurrent
// keep-alive connections and returns what it measured; started, when not
// nil, is called once the connections are dialled, just before the first
// request. It fails when a connection cannot be dialled or any request does
// not come back 200 with a body.
func Send(o LoadOptions, n int, started func()) (LoadResult, error) {
	conns := make([]*loadConn, o.Clients)
	for i := range conns {
		c, err := net.Dial("tcp", o.Addr)
		if err != nil {
			return LoadResult{}, err
		}
		defer c.Close()
		conns[i] = &loadConn{c: c, r: bufio.NewReader(c)}
	}
	lat := make([]time.Duration, n)
	var next, failures atomic.Int64
	var wg sync.WaitGroup
	if started != nil {
		started()
	}
	cpu0, cpuOK := cpuTime()
	start := time.Now()
	for _, c := range conns {
		wg.Go(func() {
			var buf []byte
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				// A unique trigger_id, as Slack sends: the same signed
				// request twice would be refused as a replay.
				body := fmt.Appendf(slices.Clip(o.Bodies[i%int64(len(o.Bodies))]), "&trigger_id=%d", i)
				t0 := time.Now()
				ts := strconv.FormatInt(t0.Unix(), 10)
				buf = fmt.Appendf(buf[:0], "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
					"Content-Length: %d\r\nX-Slack-Request-Timestamp: %s\r\nX-Slack-Signature: %s\r\n\r\n",
					o.Path, o.Addr, len(body), ts, Sign(o.Secret, ts, body))
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
	r := LoadResult{Latencies: lat, Elapsed: time.Since(start)}
	if cpu1, ok := cpuTime(); cpuOK && ok {
		r.CPU = cpu1 - cpu0
	}
	if f := failures.Load(); f > 0 {
		return r, fmt.Errorf("%d of %d requests failed", f, n)
	}
	slices.Sort(lat)
	return r, nil
}

// P returns the p-th percentile latency in milliseconds.
func (r LoadResult) P(p int) float64 {
	if len(r.Latencies) == 0 {
		return 0
	}
	return float64(r.Latencies[min(len(r.Latencies)-1, len(r.Latencies)*p/100)].Microseconds()) / 1000
}

// Rate returns the requests per second.
func (r LoadResult) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(len(r.Latencies)) / r.Elapsed.Seconds()
}

// loadConn is one keep-alive client connection.
type loadConn struct {
	c net.Conn
	r *bufio.Reader
}

// roundTrip writes a raw request and reports whether a 200 with a body
// came back.
func (c *loadConn) roundTrip(req []byte) bool {
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
