package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// signer checks Slack's v0 request signatures by slack-go's rules
// (slack.NewSecretsVerifier, then Write and Ensure): the same checks in
// the same order, with the same errors. What it does not do is set up an
// HMAC for every request: keyed HMACs are kept in a pool and reset, so a
// request costs the hashing of its body and little else.
type signer struct {
	secret string
	macs   sync.Pool // *signerMAC
}

// signerMAC is one keyed HMAC with room for what is hashed before the body
// and for the sum.
type signerMAC struct {
	h      hash.Hash
	prefix []byte
	sum    [sha256.Size]byte
}

func newSigner(secret string) *signer {
	s := &signer{secret: secret}
	s.macs.New = func() any { return &signerMAC{h: hmac.New(sha256.New, []byte(secret))} }
	return s
}

// verify reports whether body and header carry a valid v0 signature made
// with the secret, with a timestamp at most five minutes from now; the
// error is slack-go's for the same request.
func (s *signer) verify(header http.Header, body []byte, now time.Time) error {
	if s.secret == "" {
		return slack.ErrInvalidConfiguration
	}
	signature := headerValue(header, hSignature)
	stamp := headerValue(header, hTimestamp)
	if signature == "" || stamp == "" {
		return slack.ErrMissingHeaders
	}
	hexSig, ok := strings.CutPrefix(signature, "v0=")
	if !ok {
		return slack.ErrInvalidSignature
	}
	var want [sha256.Size]byte
	if len(hexSig) == 2*sha256.Size {
		var src [2 * sha256.Size]byte
		copy(src[:], hexSig)
		if _, err := hex.Decode(want[:], src[:]); err != nil {
			return err
		}
	} else {
		// Not a SHA-256 signature: slack-go's error for it is its
		// decoding's, or else ErrInvalidSignature.
		if _, err := hex.DecodeString(hexSig); err != nil {
			return err
		}
		return slack.ErrInvalidSignature
	}
	ts, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return err
	}
	if now.Sub(time.Unix(ts, 0)).Abs() > replayWindow {
		return slack.ErrExpiredTimestamp
	}
	m := s.macs.Get().(*signerMAC)
	defer s.put(m)
	m.h.Reset()
	m.prefix = append(append(append(m.prefix[:0], "v0:"...), stamp...), ':')
	m.h.Write(m.prefix)
	m.h.Write(body)
	if !hmac.Equal(m.h.Sum(m.sum[:0]), want[:]) {
		return slack.ErrInvalidSignature
	}
	return nil
}

// maxKeptPrefix bounds the prefix buffer a pooled HMAC keeps: a timestamp
// may carry any number of leading zeros, and one odd request must not leave
// a large buffer in the pool.
const maxKeptPrefix = 64

func (s *signer) put(m *signerMAC) {
	if cap(m.prefix) > maxKeptPrefix {
		m.prefix = nil
	}
	s.macs.Put(m)
}

// Slack's request headers, spelled as net/http keeps them
// (textproto.CanonicalMIMEHeaderKey).
const (
	hSignature = "X-Slack-Signature"
	hTimestamp = "X-Slack-Request-Timestamp"
	hRetryNum  = "X-Slack-Retry-Num"
)

// headerValue is h.Get(key) for a key spelled as net/http keeps it, without
// working out that spelling again on every request.
func headerValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}
