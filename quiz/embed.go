package quiz

import (
	"embed"
	"io/fs"
	"path"
	"slices"

	"github.com/devopsbot/devopsbot/notes"
)

// bankFS holds the default question bank: quiz/bank/*.yaml, written for the
// default notes.
//
//go:embed bank
var bankFS embed.FS

// DefaultBankFiles returns the names of the embedded bank files, sorted,
// as paths in DefaultBankFS.
func DefaultBankFiles() []string {
	ents, _ := fs.ReadDir(bankFS, "bank")
	var out []string
	for _, e := range ents {
		if !e.IsDir() && path.Ext(e.Name()) == ".yaml" {
			out = append(out, "bank/"+e.Name())
		}
	}
	slices.Sort(out)
	return out
}

// DefaultBankFS is the file system holding DefaultBankFiles.
func DefaultBankFS() fs.FS { return bankFS }

// LoadDefaultBank loads the embedded bank against docs (the default notes).
// Like LoadBank it returns the valid questions and a *BankError naming the
// skipped ones.
func LoadDefaultBank(docs []*notes.Document) ([]Question, error) {
	return LoadBank(bankFS, docs, DefaultBankFiles()...)
}
