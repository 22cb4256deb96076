package index

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A wrong answer's cause, as TestAskMisses sorts them. The order is the
// order of the checks in missCause: the first that applies names it.
const (
	missNotCovered = "not covered"          // the item is marked covered: false
	missInverted   = "NOT/EXCEPT"           // the guess is the least supported option
	missChooseK    = "choose k"             // several letters asked for
	missTechnique  = "technique"            // the notes ranked the key first; exam technique moved the guess
	missElsewhere  = "key's fact elsewhere" // the key's best fact is outside the item's anchors: retrieval
	missCloser     = "closer rival"         // the key's best fact names it better, the pick's is closer to the scenario
	missOther      = "other"                // the key's fact names it no better than the pick's names the pick
)

// missCoverLead is how much more of its option's distinctive weight the
// key's best fact must hold than the pick's best fact holds of the pick
// for the miss to count as a closer rival.
const missCoverLead = 0.1

// missFacts is what missCause reads about one wrong answer.
type missFacts struct {
	notCovered, inverted, chooseK bool
	notesRankKey                  bool    // the scorers' joint ranking had the key first
	keyFactInAnchors              bool    // the key's best fact lies in one of the item's anchors
	keyCover, pickCover           float64 // share of its option's distinctive weight each best fact holds
}

// missCause names the cause of a wrong answer.
func missCause(m missFacts) string {
	switch {
	case m.notCovered:
		return missNotCovered
	case m.inverted:
		return missInverted
	case m.chooseK:
		return missChooseK
	case m.notesRankKey:
		return missTechnique
	case !m.keyFactInAnchors:
		return missElsewhere
	case m.keyCover >= m.pickCover+missCoverLead:
		return missCloser
	}
	return missOther
}

func TestMissCause(t *testing.T) {
	for _, c := range []struct {
		m    missFacts
		want string
	}{
		{missFacts{notCovered: true, inverted: true}, missNotCovered},
		{missFacts{inverted: true, chooseK: true}, missInverted},
		{missFacts{chooseK: true, notesRankKey: true}, missChooseK},
		{missFacts{notesRankKey: true}, missTechnique},
		{missFacts{keyCover: 1}, missElsewhere},
		{missFacts{keyFactInAnchors: true, keyCover: 0.8, pickCover: 0.5}, missCloser},
		{missFacts{keyFactInAnchors: true, keyCover: 0.55, pickCover: 0.5}, missOther},
		{missFacts{keyFactInAnchors: true, keyCover: 0.2, pickCover: 0.9}, missOther},
	} {
		if got := missCause(c.m); got != c.want {
			t.Errorf("missCause(%+v) = %q, want %q", c.m, got, c.want)
		}
	}
}

// TestAskMisses sorts the wrong answers of the exam items in the eval
// files of DEVOPSBOT_ASKMISS_FILES (comma-separated) by cause (missCause)
// and prints one line per miss and a count per file and cause, with how
// many of them had the deciding section first in the reply (Hit@1 as
// eval scores it). It only measures, so it runs only when asked:
//
//	DEVOPSBOT_ASKMISS_FILES=a.jsonl,b.jsonl go test ./index -run AskMisses -v
func TestAskMisses(t *testing.T) {
	files := os.Getenv("DEVOPSBOT_ASKMISS_FILES")
	if files == "" {
		t.Skip("set DEVOPSBOT_ASKMISS_FILES to sort the wrong answers by cause")
	}
	ix := mustDefault(t)
	fx := ix.factIndex()
	type key struct{ file, cause string }
	count, hit1 := map[key]int{}, map[key]int{}
	var names []string
	for _, file := range strings.Split(files, ",") {
		name := strings.TrimSuffix(filepath.Base(file), ".jsonl")
		names = append(names, name)
		eachExamItem(t, ix, []string{file}, func(e examItem) {
			it, q, ans := e.it, e.q, e.ans
			covered := it.Covered == nil || *it.Covered
			if SameKeys(ans.Chosen, it.Correct) && covered {
				return
			}
			m := missFacts{notCovered: !covered, inverted: inverted(q.Text), chooseK: q.choose() > 1 || len(it.Correct) != 1}
			ki := slices.IndexFunc(q.Options, func(o Option) bool { return o.Key == it.Correct })
			pi := slices.IndexFunc(q.Options, func(o Option) bool { return strings.HasPrefix(ans.Chosen, o.Key) })
			if ki >= 0 && pi >= 0 {
				ot, sup := e.ot, e.sup
				m.notesRankKey = e.en.best == ki
				if len(sup[ki].evidence) > 0 {
					id := fx.facts[sup[ki].evidence[0].fact].sec.ID
					m.keyFactInAnchors = slices.Contains(it.Anchors, AnchorOf(id))
				}
				n := float64(len(q.Options))
				_, m.keyCover = fx.deciderCover(sup[ki], ot.sorted[ki], n, ot.count)
				_, m.pickCover = fx.deciderCover(sup[pi], ot.sorted[pi], n, ot.count)
			}
			cause := missCause(m)
			first := FirstRank(ix.rankAnchors(ans.Reply().Sections()), it.Anchors) == 1
			k := key{name, cause}
			count[k]++
			if first {
				hit1[k]++
			}
			fmt.Printf("miss\t%s\t%s\t%s\tpick %s key %s\tcover key %.2f pick %.2f\thit@1 %v\n", name, it.ID, cause, ans.Chosen, it.Correct, m.keyCover, m.pickCover, first)
		})
	}
	causes := []string{missNotCovered, missInverted, missChooseK, missTechnique, missElsewhere, missCloser, missOther}
	fmt.Printf("| cause | %s | all | Hit@1 right |\n", strings.Join(names, " | "))
	for _, c := range causes {
		row, all, h := []string{}, 0, 0
		for _, n := range names {
			row = append(row, fmt.Sprint(count[key{n, c}]))
			all += count[key{n, c}]
			h += hit1[key{n, c}]
		}
		fmt.Printf("| %s | %s | %d | %d |\n", c, strings.Join(row, " | "), all, h)
	}
}
