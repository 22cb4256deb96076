package quiz

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/devopsbot/devopsbot/notes"
)

//go:embed domains.txt
var domainsData string

// domainMap maps sections to exam domains; see domains.txt for the format.
type domainMap struct {
	names    []string
	sections []domainRule // by ID prefix
	titles   []domainRule // by heading words
}

type domainRule struct {
	doc, key string
	domains  []int
}

var (
	domainOnce sync.Once
	domainDef  *domainMap
)

// defaultDomainMap returns the parsed embedded domains.txt. A broken file is
// a programming error caught by the package tests, so it yields an empty map
// rather than a panic.
func defaultDomainMap() *domainMap {
	domainOnce.Do(func() {
		m, err := parseDomainMap(domainsData)
		if err != nil {
			m = &domainMap{}
		}
		domainDef = m
	})
	return domainDef
}

func parseDomainMap(data string) (*domainMap, error) {
	m := &domainMap{}
	for i, line := range strings.Split(data, "\n") {
		if j := strings.Index(line, "#"); j >= 0 {
			line = line[:j]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		bad := func(msg string) error { return fmt.Errorf("domains.txt:%d: %s", i+1, msg) }
		switch f[0] {
		case "domain":
			if len(f) < 3 {
				return nil, bad("want: domain N NAME")
			}
			n, err := strconv.Atoi(f[1])
			if err != nil || n != len(m.names)+1 {
				return nil, bad("domains must be numbered 1, 2, ... in order")
			}
			m.names = append(m.names, strings.Join(f[2:], " "))
		case "section", "title":
			var key, doc string
			var nums []string
			if f[0] == "section" {
				if len(f) < 4 {
					return nil, bad("want: section DOC ID-PREFIX N...")
				}
				doc, key, nums = f[1], f[2], f[3:]
			} else {
				// Words, then domain numbers to the end of the line.
				k := len(f)
				for k > 1 {
					if n, err := strconv.Atoi(f[k-1]); err != nil || n < 1 || n > 6 {
						break
					}
					k--
				}
				if k == 1 || k == len(f) {
					return nil, bad("want: title WORDS N...")
				}
				key, nums = strings.ToLower(strings.Join(f[1:k], " ")), f[k:]
			}
			var ds []int
			for _, s := range nums {
				n, err := strconv.Atoi(s)
				if err != nil || n < 1 || n > 6 {
					return nil, bad(fmt.Sprintf("domain %q is not 1-6", s))
				}
				ds = append(ds, n)
			}
			r := domainRule{doc: doc, key: key, domains: ds}
			if f[0] == "section" {
				m.sections = append(m.sections, r)
			} else {
				m.titles = append(m.titles, r)
			}
		default:
			return nil, bad(fmt.Sprintf("unknown directive %q", f[0]))
		}
	}
	if len(m.names) != 6 {
		return nil, fmt.Errorf("domains.txt: %d domains, want 6", len(m.names))
	}
	return m, nil
}

// idPrefix reports whether prefix is id or an ancestor of it by ID.
func idPrefix(id, prefix string) bool {
	if !strings.HasPrefix(id, prefix) {
		return false
	}
	if len(id) == len(prefix) {
		return true
	}
	c := id[len(prefix)]
	return c == '_' || c == '/'
}

// domains returns the exam domains of a section.
func (m *domainMap) domains(doc, id string, path []string) []int {
	best := -1
	for i, r := range m.sections {
		if (r.doc == "*" || r.doc == doc) && idPrefix(id, r.key) {
			if best < 0 || len(r.key) > len(m.sections[best].key) {
				best = i
			}
		}
	}
	if best >= 0 {
		return append([]int(nil), m.sections[best].domains...)
	}
	path = append([]string{doc}, path...)
	for i := len(path) - 1; i >= 0; i-- {
		title := strings.ToLower(path[i])
		for _, r := range m.titles {
			if strings.Contains(title, r.key) {
				return append([]int(nil), r.domains...)
			}
		}
	}
	return nil
}

// SectionDomains returns the exam domains the mapping gives a section.
func SectionDomains(s *notes.Section) []int {
	return defaultDomainMap().domains(s.Doc, s.ID, s.Path)
}
