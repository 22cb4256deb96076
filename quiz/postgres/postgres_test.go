package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
	"github.com/devopsbot/devopsbot/quiz/postgres"
	"github.com/devopsbot/devopsbot/quiz/postgres/pgtest"
	"github.com/devopsbot/devopsbot/quiz/storetest"
)

// mustOpen opens a store on dbURL, closed when t ends.
func mustOpen(t testing.TB, dbURL string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), nil, dbURL, postgres.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) quiz.Store {
		return mustOpen(t, pgtest.URL(t))
	})
}

// TestMigrateConcurrently: replicas starting together on an empty database
// all open it; the schema is applied once.
func TestMigrateConcurrently(t *testing.T) {
	dbURL := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			s, err := postgres.Open(context.Background(), nil, dbURL, postgres.Options{})
			if err != nil {
				errs <- err
				return
			}
			s.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Open alongside others: %v", err)
	}
	n := queryInt(t, dbURL, `SELECT count(*) FROM schema_migrations`)
	if want := postgres.SchemaVersion(); n != want {
		t.Errorf("schema_migrations holds %d rows, want %d", n, want)
	}
	// Reopening applies nothing and keeps the data.
	s := mustOpen(t, dbURL)
	if _, _, err := s.CreateRound(context.Background(), quiz.Round{ID: "r1", OpenedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpen(t, dbURL)
	if _, err := s.GetRound(context.Background(), "r1"); err != nil {
		t.Errorf("round after reopen: %v", err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	dbURL := pgtest.URL(t)
	mustOpen(t, dbURL).Close()
	queryInt(t, dbURL, fmt.Sprintf(`INSERT INTO schema_migrations (version, name) VALUES (%d, 'from_the_future') RETURNING 0`, postgres.SchemaVersion()+1))
	_, err := postgres.Open(context.Background(), nil, dbURL, postgres.Options{})
	if !errors.Is(err, postgres.ErrSchema) {
		t.Errorf("Open on a newer schema: err = %v, want ErrSchema", err)
	}
}

func TestOpenErrorsHideThePassword(t *testing.T) {
	tests := []struct {
		name string
		url  string
	}{
		{"not a URL", "host=127.0.0.1 password=hunter2secret"},
		{"unreachable", "postgres://bot:hunter2secret@127.0.0.1:1/db?connect_timeout=1"},
		{"password parameter", "postgres://bot@127.0.0.1:1/db?password=hunter2secret&connect_timeout=1"},
		{"bad port", "postgres://bot:hunter2secret@127.0.0.1:port/db"},
		{"bad parameter", "postgres://bot:hunter2secret@127.0.0.1/db?pool_max_conns=many"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := postgres.Open(context.Background(), nil, tt.url, postgres.Options{Timeout: 5 * time.Second})
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if msg := err.Error(); strings.Contains(msg, "hunter2secret") {
				t.Errorf("error shows the password: %s", msg)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://bot:s3cret@db:5432/quiz?sslmode=require", "postgres://bot:xxxxx@db:5432/quiz?sslmode=require"},
		{"postgres://bot@db/quiz?password=s3cret", "postgres://bot@db/quiz?password=xxxxx"},
		{"postgres://db/quiz", "postgres://db/quiz"},
		{"postgres://bot@db/quiz?sslpassword=s3cret", "postgres://bot@db/quiz?sslpassword=xxxxx"},
		{"host=db password=s3cret", "(not a postgres:// URL)"},
	}
	for _, tt := range tests {
		if got := postgres.Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func queryInt(t testing.TB, dbURL, sql string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// TestLeaderboardSumsInTheDatabase: the leaderboard from the database's
// sums (quiz.Tallier) is the one the engine ranks from the answers
// themselves (the memory store), ties and periods included.
func TestLeaderboardSumsInTheDatabase(t *testing.T) {
	ctx := context.Background()
	pg, mem := mustOpen(t, pgtest.URL(t)), memory.New()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	q := quiz.Question{ID: "q1", Options: []string{"a", "b", "c"}, Correct: 1, Domains: []int{2}}
	for _, s := range []quiz.Store{pg, mem} {
		for d := range 40 {
			at := now.AddDate(0, 0, -40+d)
			id := at.Format(time.DateOnly)
			if _, _, err := s.CreateRound(ctx, quiz.Round{ID: id, Question: q, OpenedAt: at}); err != nil {
				t.Fatal(err)
			}
			for u := range 8 {
				if (d+u)%5 == 0 {
					continue // some days some people do not answer
				}
				// U0 is never right; U1 and U2 score alike (a tie on
				// points and accuracy, broken by who got there first).
				correct := u != 0 && (d+u/2)%3 != 0
				a := quiz.Answer{Round: id, User: fmt.Sprintf("U%d", u), Question: q.ID, Correct: correct,
					At: at.Add(time.Duration(8-u) * time.Minute)}
				if correct {
					a.Points = quiz.PointsCorrect
				}
				if _, err := s.AnswerRound(ctx, a); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Practice answers do not count.
		p := quiz.Answer{User: "U0", Question: "q9", Correct: true, Points: 50, At: now.Add(-time.Hour)}
		if _, err := s.AnswerPractice(ctx, p, quiz.Card{User: "U0", Question: "q9", Box: 2}); err != nil {
			t.Fatal(err)
		}
	}
	opts := quiz.Options{Now: func() time.Time { return now }}
	fromSums, fromAnswers := quiz.New(nil, pg, nil, opts), quiz.New(nil, mem, nil, opts)
	for _, p := range []quiz.Period{quiz.Week, quiz.Month, quiz.All} {
		got, err := fromSums.Leaderboard(ctx, p, 0)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fromAnswers.Leaderboard(ctx, p, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) || len(want) == 0 {
			t.Errorf("%s: leaderboard from the database's sums\n%+v\nwant (from the answers)\n%+v", p, got, want)
		}
	}
}
