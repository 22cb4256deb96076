package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// replayWindow is how long a signed request stays acceptable on either side
// of its timestamp (slack-go's verifier refuses it after that).
const replayWindow = 5 * time.Minute

// ReplayLog remembers signed Slack requests for as long as they could be
// replayed: the store implements it, so a replay is refused after a restart
// and on another replica. FirstRequest records key (a request's identity:
// the 32 bytes of its verified signature) until expires and reports whether
// no unexpired record of key existed; the record is durable before it
// returns nil.
type ReplayLog interface {
	FirstRequest(ctx context.Context, key []byte, now, expires time.Time) (bool, error)
}

// requestKey returns the identity of a verified request: its signature as
// bytes, whatever case the hex was sent in, and the time after which the
// request is refused as stale anyway. ok is false when the header does not
// hold a v0 signature.
func requestKey(h http.Header) (key []byte, expires time.Time, ok bool) {
	hexSig, found := strings.CutPrefix(headerValue(h, hSignature), "v0=")
	if !found {
		return nil, time.Time{}, false
	}
	key, err := hex.DecodeString(hexSig)
	if err != nil || len(key) == 0 {
		return nil, time.Time{}, false
	}
	ts, err := strconv.ParseInt(headerValue(h, hTimestamp), 10, 64)
	if err != nil {
		return nil, time.Time{}, false
	}
	return key, time.Unix(ts, 0).Add(replayWindow), true
}

// memReplays is the in-memory ReplayLog: fixed-size keys grouped by the
// minute they expire in, so memory is bounded by the requests of the last
// window and expired keys go a minute at a time, without scanning. Every
// request goes through it, from every connection at once: the keys are
// spread by their first byte (a signature's, uniformly random) over shards
// that each have their own lock, so that requests seldom wait for each
// other, or for a shard's map to grow.
type memReplays struct {
	swept  atomic.Int64 // the minute expired keys were last dropped from every shard
	shards [replayShards]replayShard
}

const replayShards = 16

type replayShard struct {
	mu   sync.Mutex
	gens map[int64]map[[sha256.Size]byte]struct{} // by expiry minute
}

func newMemReplays() *memReplays {
	m := &memReplays{}
	for i := range m.shards {
		m.shards[i].gens = map[int64]map[[sha256.Size]byte]struct{}{}
	}
	return m
}

// FirstRequest implements ReplayLog; it never fails.
func (m *memReplays) FirstRequest(_ context.Context, key []byte, now, expires time.Time) (bool, error) {
	var k [sha256.Size]byte
	if len(key) == len(k) {
		copy(k[:], key)
	} else {
		k = sha256.Sum256(key)
	}
	nowMin := minuteOf(now)
	if last := m.swept.Load(); nowMin > last && m.swept.CompareAndSwap(last, nowMin) {
		for i := range m.shards {
			m.shards[i].sweep(nowMin)
		}
	}
	return m.shards[int(k[0])%replayShards].first(k, nowMin, minuteOf(expires)), nil
}

// sweep drops the keys that expired before minute nowMin.
func (s *replayShard) sweep(nowMin int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for min := range s.gens {
		if min < nowMin {
			delete(s.gens, min) // every key in it has expired
		}
	}
}

func (s *replayShard) first(k [sha256.Size]byte, nowMin, expMin int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for min, g := range s.gens {
		if min < nowMin {
			continue // expired, and going at the next sweep
		}
		if _, ok := g[k]; ok {
			return false
		}
	}
	if expMin < nowMin {
		return true // already stale: nothing to remember
	}
	g := s.gens[expMin]
	if g == nil {
		g = map[[sha256.Size]byte]struct{}{}
		s.gens[expMin] = g
	}
	g[k] = struct{}{}
	return true
}

// len returns how many keys are held.
func (m *memReplays) len() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		for _, g := range s.gens {
			n += len(g)
		}
		s.mu.Unlock()
	}
	return n
}

func minuteOf(t time.Time) int64 { return t.Unix() / 60 }

// readOnlyCommand reports whether a /devops command text only reads (a
// lookup, ask, help, leaderboard or stats): its answer goes back to the
// sender and nothing is stored or posted.
func readOnlyCommand(text string) bool {
	sub, _ := splitWord(stripMentions(text))
	switch strings.ToLower(sub) {
	case "quiz", "admin":
		return false
	}
	switch commandName(text) {
	case CommandLookup, CommandAsk, CommandHelp, CommandLeaderboard, CommandStats:
		return true
	}
	return false
}
