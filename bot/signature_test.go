package bot

import (
	"errors"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/devopsbot/devopsbot/bot/slackfake"
)

// slackGoVerify is the check signer replaces: slack-go's verifier.
func slackGoVerify(header http.Header, body []byte, secret string) error {
	sv, err := slack.NewSecretsVerifier(header, secret)
	if err != nil {
		return err
	}
	if _, err := sv.Write(body); err != nil {
		return err
	}
	return sv.Ensure()
}

// signer gives slack-go's answer, error for error, on good, tampered,
// stale, malformed and missing signatures and timestamps.
func TestSignerAgreesWithSlackGo(t *testing.T) {
	body := []byte("command=%2Fdevops&text=lookup+canary&trigger_id=1")
	now := time.Now()
	ts := strconv.FormatInt(now.Unix(), 10)
	good := slackfake.Sign(testSecret, ts, body)
	hexSig := strings.TrimPrefix(good, "v0=")
	type req struct {
		name, sig, ts, secret string
		body                  []byte
	}
	reqs := []req{
		{"good", good, ts, testSecret, body},
		{"upper-case hex", "v0=" + strings.ToUpper(hexSig), ts, testSecret, body},
		{"other body", good, ts, testSecret, append(body, '1')},
		{"no body", good, ts, testSecret, nil},
		{"other secret", good, ts, testSecret + "x", body},
		{"no secret", good, ts, "", body},
		{"no signature", "", ts, testSecret, body},
		{"no timestamp", good, "", testSecret, body},
		{"v1", "v1=" + hexSig, ts, testSecret, body},
		{"no version", hexSig, ts, testSecret, body},
		{"odd hex", good[:len(good)-1], ts, testSecret, body},
		{"short hex", good[:len(good)-2], ts, testSecret, body},
		{"long hex", good + "00", ts, testSecret, body},
		{"not hex", good[:len(good)-1] + "g", ts, testSecret, body},
		{"not hex, short", "v0=zz", ts, testSecret, body},
		{"empty hex", "v0=", ts, testSecret, body},
		{"timestamp not a number", good, ts + "x", testSecret, body},
		{"timestamp with a sign", good, "+" + ts, testSecret, body},
	}
	for _, d := range []time.Duration{-6 * time.Minute, -5*time.Minute + time.Second, 4 * time.Minute, 6 * time.Minute, -100 * 365 * 24 * time.Hour} {
		ts2 := strconv.FormatInt(now.Add(d).Unix(), 10)
		reqs = append(reqs, req{"timestamp " + d.String(), slackfake.Sign(testSecret, ts2, body), ts2, testSecret, body})
	}
	for _, r := range reqs {
		h := http.Header{}
		if r.sig != "" {
			h.Set("X-Slack-Signature", r.sig)
		}
		if r.ts != "" {
			h.Set("X-Slack-Request-Timestamp", r.ts)
		}
		want := slackGoVerify(h, r.body, r.secret)
		got := newSigner(r.secret).verify(h, r.body, time.Now())
		if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
			t.Errorf("%s: signer says %v, slack-go %v", r.name, got, want)
		}
		if r.name == "good" || r.name == "upper-case hex" {
			if got != nil {
				t.Errorf("%s: refused: %v", r.name, got)
			}
		} else if strings.HasPrefix(r.name, "timestamp -6") && !errors.Is(got, slack.ErrExpiredTimestamp) {
			t.Errorf("%s: %v, want %v", r.name, got, slack.ErrExpiredTimestamp)
		}
	}
}

// One signer checks requests from many goroutines at once, each with its
// own body and timestamp, and refuses each tampered one.
func TestSignerConcurrent(t *testing.T) {
	s := newSigner(testSecret)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 300 {
				body := []byte("text=lookup+" + strconv.Itoa(g) + "&trigger_id=" + strconv.Itoa(i))
				ts := strconv.FormatInt(time.Now().Unix()-int64(i%200), 10)
				h := http.Header{}
				h.Set("X-Slack-Request-Timestamp", ts)
				h.Set("X-Slack-Signature", slackfake.Sign(testSecret, ts, body))
				if err := s.verify(h, body, time.Now()); err != nil {
					t.Errorf("goroutine %d request %d refused: %v", g, i, err)
					return
				}
				body[len(body)-1] ^= 1
				if err := s.verify(h, body, time.Now()); !errors.Is(err, slack.ErrInvalidSignature) {
					t.Errorf("goroutine %d tampered request %d: %v", g, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// The header names read with headerValue are spelled as net/http keeps
// them, so it finds what Header.Get finds.
func TestHeaderValueIsGet(t *testing.T) {
	h := http.Header{}
	for i, k := range []string{hSignature, hTimestamp, hRetryNum} {
		if c := textproto.CanonicalMIMEHeaderKey(k); c != k {
			t.Errorf("%q is kept as %q", k, c)
		}
		if got := headerValue(h, k); got != "" {
			t.Errorf("headerValue(%q) of no header = %q", k, got)
		}
		h.Add(strings.ToLower(k), strconv.Itoa(i))
		h.Add(k, "second")
		if got, want := headerValue(h, k), h.Get(k); got != want || got != strconv.Itoa(i) {
			t.Errorf("headerValue(%q) = %q, Header.Get %q", k, got, want)
		}
	}
}

// A timestamp padded with zeros is valid and signed as sent; the pooled
// HMAC does not keep the long prefix buffer it needed.
func TestSignerDropsLongPrefix(t *testing.T) {
	s := newSigner(testSecret)
	body := []byte("command=%2Fdevops&text=lookup+canary")
	now := time.Now()
	ts := strings.Repeat("0", 4096) + strconv.FormatInt(now.Unix(), 10)
	h := http.Header{}
	h.Set("X-Slack-Signature", slackfake.Sign(testSecret, ts, body))
	h.Set("X-Slack-Request-Timestamp", ts)
	if err := s.verify(h, body, now); err != nil {
		t.Fatalf("padded timestamp: %v", err)
	}
	m := s.macs.Get().(*signerMAC)
	if cap(m.prefix) > maxKeptPrefix {
		t.Errorf("pooled prefix buffer holds %d bytes, want at most %d", cap(m.prefix), maxKeptPrefix)
	}
}
