package index

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func opts(kv ...string) []Option {
	var out []Option
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, Option{Key: kv[i], Text: kv[i+1]})
	}
	return out
}

func TestParseQuestion(t *testing.T) {
	abcd := opts("A", "Use S3", "B", "Use EBS", "C", "Use EFS", "D", "Use Glacier")
	tests := []struct {
		name string
		in   string
		text string
		opts []Option
	}{
		{"paren options on own lines", "Where to store files?\nA) Use S3\nB) Use EBS\nC) Use EFS\nD) Use Glacier\n", "Where to store files?", abcd},
		{"dot options on own lines", "Where to store files?\nA. Use S3\nB. Use EBS\nC. Use EFS\nD. Use Glacier", "Where to store files?", abcd},
		{"both parens", "Where to store files?\n(A) Use S3\n(B) Use EBS\n(C) Use EFS\n(D) Use Glacier", "Where to store files?", abcd},
		{"lower case", "Where to store files?\na) Use S3\nb) Use EBS\nc) Use EFS\nd) Use Glacier", "Where to store files?", abcd},
		{"dash", "Where to store files?\nA - Use S3\nB - Use EBS\nC - Use EFS\nD - Use Glacier", "Where to store files?", abcd},
		{"en dash", "Where to store files?\nA – Use S3\nB – Use EBS\nC – Use EFS\nD – Use Glacier", "Where to store files?", abcd},
		{"colon", "Where to store files? A: Use S3 B: Use EBS C: Use EFS D: Use Glacier", "Where to store files?", abcd},
		{"inline parens flattened by slack", "Where to store files? A) Use S3 B) Use EBS C) Use EFS D) Use Glacier", "Where to store files?", abcd},
		{"inline dots", "Where to store files? A. Use S3 B. Use EBS C. Use EFS D. Use Glacier", "Where to store files?", abcd},
		{"inline both parens", "Where to store files? (A) Use S3 (B) Use EBS (C) Use EFS (D) Use Glacier", "Where to store files?", abcd},
		{"markdown bullets and bold", "Where to store files?\n- **A)** Use S3\n- **B)** Use EBS\n- **C)** Use EFS\n- **D)** Use Glacier", "Where to store files?", abcd},
		{"windows line ends", "Where to store files?\r\nA) Use S3\r\nB) Use EBS\r\nC) Use EFS\r\nD) Use Glacier\r\n", "Where to store files?", abcd},
		{"option continues on next line", "Which?\nA) Use S3\n   with versioning\nB) Use EBS", "Which?", opts("A", "Use S3 with versioning", "B", "Use EBS")},
		{"two options", "Which? A) yes B) no", "Which?", opts("A", "yes", "B", "no")},
		{"comma separated inline", "Which? A) Use S3, B) Use EBS, C) Use EFS; D) Use Glacier", "Which?", abcd},
		{"six options", "Which? A) a1 B) b1 C) c1 D) d1 E) e1 F) f1", "Which?", opts("A", "a1", "B", "b1", "C", "c1", "D", "d1", "E", "e1", "F", "f1")},
		{"article A is not an option", "A company runs a web app. A team wants logs in S3. Which service?", "A company runs a web app. A team wants logs in S3. Which service?", nil},
		{"a. m. in prose is not an option", "The job runs at 9 a. m. every day and fails. Why?", "The job runs at 9 a. m. every day and fails. Why?", nil},
		{"single A) is not a run", "Plan A) was rejected. What now?", "Plan A) was rejected. What now?", nil},
		{"prose a. m. before real options", "The batch starts at 9 a. m. daily. What helps?\nA. Use Lambda\nB. Use Batch", "The batch starts at 9 a. m. daily. What helps?", opts("A", "Use Lambda", "B", "Use Batch")},
		{"plan B in an option is prose", "Which?\nA. Use plan B. Now\nB. Do nothing", "Which?", opts("A", "Use plan B. Now", "B", "Do nothing")},
		{"lower case list in scenario, options after", "Needs: a) low cost b) durability.\nA) Use S3\nB) Use EBS", "Needs: a) low cost b) durability.", opts("A", "Use S3", "B", "Use EBS")},
		{"no options", "how long does cloudtrail keep events", "how long does cloudtrail keep events", nil},
		{"options in another language", "Quel service ? A) Utiliser S3 B) Utiliser EBS", "Quel service ?", opts("A", "Utiliser S3", "B", "Utiliser EBS")},
		{"options skip a letter", "Which? A) one B) two D) four", "Which?", opts("A", "one", "B", "two D) four")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseQuestion(tt.in)
			if err != nil {
				t.Fatalf("ParseQuestion: %v", err)
			}
			if q.Text != tt.text {
				t.Errorf("Text = %q, want %q", q.Text, tt.text)
			}
			if !reflect.DeepEqual(q.Options, tt.opts) {
				t.Errorf("Options = %q, want %q", q.Options, tt.opts)
			}
			if q.HasOptions() != (len(tt.opts) >= 2) {
				t.Errorf("HasOptions = %v", q.HasOptions())
			}
		})
	}
}

func TestParseQuestionBadInput(t *testing.T) {
	var fifty strings.Builder
	fifty.WriteString("Which one?")
	for i := range 50 {
		fmt.Fprintf(&fifty, "\n%c) option %d", 'A'+i%26, i)
	}
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"empty", "", ErrEmptyQuery},
		{"only spaces", " \n\t ", ErrEmptyQuery},
		{"only options", "A) Use S3 B) Use EBS C) Use EFS", ErrNoScenario},
		{"only options on lines", "\nA) Use S3\nB) Use EBS\n", ErrNoScenario},
		{"duplicate letters inline", "Which? A) one B) two B) three C) four", ErrDuplicateOption},
		{"duplicate letters on lines", "Which?\nA) one\nB) two\nB) three", ErrDuplicateOption},
		{"repeated first letter on lines", "Which?\nA) one\nA) two\nB) three", ErrDuplicateOption},
		{"fifty options", fifty.String(), ErrTooManyOptions},
		{"seven options", "Which? A) a B) b C) c D) d E) e F) f G) g", ErrTooManyOptions},
		{"empty option", "Which? A) one B) C) three", ErrEmptyOption},
		{"twenty kilobytes", strings.Repeat("word ", 4096) + "A) x B) y", ErrQuestionTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseQuestion(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseQuestion = %+v, %v; want error %v", q, err, tt.want)
			}
			if len(err.Error()) > 80 {
				t.Errorf("error message too long for a chat reply: %q", err)
			}
		})
	}
}

func FuzzParseQuestion(f *testing.F) {
	for _, s := range []string{
		"Which? A) one B) two C) three D) four",
		"Which?\nA. one\nB. two",
		"(A) x (B) y",
		"a - x\nb - y",
		"A company. A) x B) y B) z",
		"A) B)",
		"9 a. m. b. c.",
		"(",
		"A",
		"A -",
		"\xff(A)\xfe B)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuestion(s)
		if err != nil {
			if q.Text != "" || q.Options != nil {
				t.Fatalf("error %v with a non-empty question %+v", err, q)
			}
			return
		}
		if !utf8.ValidString(q.Text) {
			t.Fatalf("Text is not valid UTF-8: %q", q.Text)
		}
		if len(q.Options) == 1 || len(q.Options) > MaxOptions {
			t.Fatalf("%d options", len(q.Options))
		}
		if len(q.Options) > 0 && q.Text == "" {
			t.Fatalf("options without scenario")
		}
		for i, o := range q.Options {
			if o.Key != string(rune('A'+i)) {
				t.Fatalf("option %d has key %q", i, o.Key)
			}
			if o.Text == "" || !utf8.ValidString(o.Text) {
				t.Fatalf("option %s text %q", o.Key, o.Text)
			}
		}
		// Parsing is deterministic and stable on its own output.
		q2, err := ParseQuestion(s)
		if err != nil || !reflect.DeepEqual(q, q2) {
			t.Fatalf("second parse differs: %+v %v", q2, err)
		}
	})
}
