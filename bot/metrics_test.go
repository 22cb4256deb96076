package bot

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q, want the Prometheus text format", ct)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read /metrics: %v", err)
	}
	return string(b)
}

// value returns the value of the counter name with the given label pairs, or
// -1 if there is no such series.
func value(t *testing.T, m *Metrics, name string, labels ...string) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, s := range f.GetMetric() {
			got := map[string]string{}
			for _, l := range s.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			if len(got) != len(labels)/2 {
				continue
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if got[labels[i]] != labels[i+1] {
					continue series
				}
			}
			return s.GetCounter().GetValue()
		}
	}
	return -1
}

func TestMetricsRecordsWhatHappened(t *testing.T) {
	m := NewMetrics("1.2.3", "/slack/commands", "/healthz")
	m.Command(CommandLookup, OutcomeOK)
	m.Command(CommandLookup, OutcomeOK)
	m.Command("quiz post", OutcomeDenied)
	m.ObserveLookup(300 * time.Microsecond)
	m.QuestionPosted()
	m.AnswerRecorded(AnswerCorrect)
	m.AnswerRecorded(AnswerDuplicate)
	m.SlackError("chat.postMessage")
	m.ObserveHTTP("/slack/commands", 200, 2*time.Millisecond)

	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"lookup ok", value(t, m, "devopsbot_commands_total", "command", "lookup", "outcome", "ok"), 2},
		{"quiz post denied", value(t, m, "devopsbot_commands_total", "command", "quiz_post", "outcome", "denied"), 1},
		{"questions posted", value(t, m, "devopsbot_questions_posted_total"), 1},
		{"answers correct", value(t, m, "devopsbot_answers_recorded_total", "outcome", "correct"), 1},
		{"answers duplicate", value(t, m, "devopsbot_answers_recorded_total", "outcome", "duplicate"), 1},
		{"slack errors", value(t, m, "devopsbot_slack_api_errors_total", "method", "chat.postMessage"), 1},
		{"http requests", value(t, m, "devopsbot_http_requests_total", "route", "/slack/commands", "code", "200"), 1},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}

	out := scrape(t, m)
	for _, want := range []string{
		`devopsbot_commands_total{command="lookup",outcome="ok"} 2`,
		`devopsbot_lookup_duration_seconds_count 1`,
		`devopsbot_lookup_duration_seconds_bucket{le="0.0005"} 1`,
		`devopsbot_questions_posted_total 1`,
		`devopsbot_answers_recorded_total{outcome="correct"} 1`,
		`devopsbot_slack_api_errors_total{method="chat.postMessage"} 1`,
		`devopsbot_http_requests_total{code="200",route="/slack/commands"} 1`,
		`devopsbot_build_info{version="1.2.3"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestMetricsLabelsStayAClosedSet(t *testing.T) {
	m := NewMetrics("")
	// Values a careless caller might pass: user text, user and channel IDs.
	userish := []string{"how do canary deployments work", "U024BE7LH", "C0123456789", "<script>", ""}
	for _, v := range userish {
		m.Command(v, v)
		m.AnswerRecorded(v)
		m.SlackError(v)
		m.ObserveHTTP("/slack/"+v, 999, time.Millisecond)
	}
	out := scrape(t, m)
	for _, v := range userish[:4] {
		if strings.Contains(out, v) {
			t.Errorf("/metrics exposes caller text %q as a label", v)
		}
	}
	if got := value(t, m, "devopsbot_commands_total", "command", LabelOther, "outcome", LabelOther); got != float64(len(userish)) {
		t.Errorf("commands{other,other} = %v, want %d", got, len(userish))
	}
	if got := value(t, m, "devopsbot_http_requests_total", "route", LabelOther, "code", LabelOther); got != float64(len(userish)) {
		t.Errorf("http_requests{other,other} = %v, want %d", got, len(userish))
	}
}

func TestMetricsAreIndependentAndNilSafe(t *testing.T) {
	a, b := NewMetrics("a"), NewMetrics("b") // no global registration: no panic
	a.QuestionPosted()
	if got := value(t, b, "devopsbot_questions_posted_total"); got != 0 {
		t.Errorf("second registry saw the first one's count: %v", got)
	}
	var m *Metrics
	m.Command(CommandLookup, OutcomeOK)
	m.ObserveLookup(time.Millisecond)
	m.QuestionPosted()
	m.AnswerRecorded(AnswerWrong)
	m.SlackError("auth.test")
	m.ObserveHTTP("/healthz", 200, time.Millisecond)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("nil Metrics handler: status %d, want 404", rec.Code)
	}
}

func BenchmarkMetricsCommand(b *testing.B) {
	m := NewMetrics("")
	b.ReportAllocs()
	for b.Loop() {
		m.Command(CommandLookup, OutcomeOK)
		m.ObserveLookup(200 * time.Microsecond)
	}
}

func TestMetricsStoreDamagedReadsTheCount(t *testing.T) {
	m := NewMetrics("test")
	n := uint64(0)
	m.StoreDamaged(func() uint64 { return n })
	n = 3
	if out := scrape(t, m); !strings.Contains(out, "devopsbot_store_damaged_records_total 3") {
		t.Errorf("damaged records not exported:\n%s", out)
	}
	var nilM *Metrics
	nilM.StoreDamaged(func() uint64 { return 0 }) // no panic
}
