package notes

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Load reads and parses notes files from fsys. Each document is named after
// its file's base name without extension; repeated names get "-2", "-3".
// Errors name the file.
func Load(fsys fs.FS, paths ...string) ([]*Document, error) {
	docs := make([]*Document, 0, len(paths))
	seen := map[string]int{}
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("read notes %s: %w", p, err)
		}
		name := DocName(p)
		if n := seen[name]; n > 0 {
			seen[name]++
			name = fmt.Sprintf("%s-%d", name, n+1)
		} else {
			seen[name] = 1
		}
		d, err := Parse(name, data)
		if err != nil {
			return nil, fmt.Errorf("notes file %s: %w", p, err)
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// DocName is the document name for a file path: its base name without
// extension ("notes/ec2.md" -> "ec2").
func DocName(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	b := path.Base(p)
	if e := path.Ext(b); e != "" && e != b {
		b = strings.TrimSuffix(b, e)
	}
	return b
}
