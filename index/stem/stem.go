// Package stem is the light English stemmer of the project's text analysis:
// the index analyses notes and queries with it, and the quiz compares
// options with it, so that "scale", "scaled", "scaling" and "scales" meet
// everywhere. It has no dependencies, so packages that must not import
// Bleve can use it.
package stem

import "strings"

// protectedWords are never stemmed: service names and words whose final "s"
// is not a plural.
var protectedWords = setOf(`aws ecs eks sqs sns kms ebs efs rds dns iops https http ssl tls
alias canvas atlas series species status process access address express class cross less
always analysis basis kinesis redis emr ssm sts sso ses waf cors`)

// setOf returns the set of the space-separated words of s.
func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// Word is a light English suffix stemmer: plurals, -ed, -ing and a final
// silent e, so that "scale", "scaled", "scaling" and "scales" meet. Words of
// three letters or fewer (but for plural acronyms like "AZs"), words with
// digits or non-ASCII letters, and protected words are returned unchanged.
func Word(w string) string {
	if protectedWords[w] {
		return w
	}
	if len(w) == 3 && w[2] == 's' && w[0] >= 'a' && w[0] <= 'z' && w[1] >= 'a' && w[1] <= 'z' && !strings.ContainsRune("siu", rune(w[1])) {
		return w[:2] // plural acronyms: "azs", "lcs", "ids"
	}
	if len(w) <= 3 {
		return w
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c < 'a' || c > 'z' {
			return w
		}
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "ied") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ed") && len(w) >= 5:
		w = undouble(w[:len(w)-2])
	case strings.HasSuffix(w, "ing") && len(w) >= 6:
		w = undouble(w[:len(w)-3])
	}
	if len(w) >= 5 && w[len(w)-1] == 'e' && w[len(w)-2] != 'e' {
		w = w[:len(w)-1]
	}
	return w
}

// undouble turns "stopp" into "stop" and "runn" into "run", keeping ll, ss, zz.
func undouble(w string) string {
	n := len(w)
	if n >= 3 && w[n-1] == w[n-2] {
		switch w[n-1] {
		case 'l', 's', 'z', 'a', 'e', 'i', 'o', 'u':
			return w
		}
		return w[:n-1]
	}
	return w
}
