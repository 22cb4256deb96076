package index

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestAskFeatures writes, for every exam item with options of the eval
// files in DEVOPSBOT_ASKFEAT_FILES (comma-separated), one JSON line with the
// signals the verdict and the best guess are fitted on (ask_judge.go,
// ask_prior.go) and the item's key, to the file DEVOPSBOT_ASKFEAT. It only
// measures, so it runs only when asked:
//
//	DEVOPSBOT_ASKFEAT=/tmp/f.jsonl DEVOPSBOT_ASKFEAT_FILES=a.jsonl,b.jsonl go test ./index -run AskFeatures
func TestAskFeatures(t *testing.T) {
	out, files := os.Getenv("DEVOPSBOT_ASKFEAT"), os.Getenv("DEVOPSBOT_ASKFEAT_FILES")
	if out == "" || files == "" {
		t.Skip("set DEVOPSBOT_ASKFEAT and DEVOPSBOT_ASKFEAT_FILES to write the features")
	}
	ix := mustDefault(t)
	fx := ix.factIndex()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	type optRow struct {
		Key     string  `json:"key"`
		Sup     float64 `json:"sup"`
		Hyp     float64 `json:"hyp"`
		Pc      float64 `json:"pc"`
		Ph      float64 `json:"ph"`
		En      float64 `json:"en"`
		Effort  bool    `json:"effort"`
		Risky   bool    `json:"risky"`
		Managed bool    `json:"managed"`
		Meets   int     `json:"meets"`
		Unk     float64 `json:"unk"`
		Words   int     `json:"words"`
		Cover   float64 `json:"cover"` // share of the option's distinctive weight its best fact holds
	}
	type row struct {
		Set     string   `json:"set"`
		ID      string   `json:"id"`
		Correct string   `json:"correct"`
		Covered *bool    `json:"covered,omitempty"`
		Chosen  string   `json:"chosen"`
		Choose  int      `json:"choose"`
		Conf    float64  `json:"conf"`
		Decided bool     `json:"decided"`
		Inv     bool     `json:"inv"`
		Share   float64  `json:"share"`
		Agree   bool     `json:"agree"`
		Margin  float64  `json:"margin"`
		Unknown float64  `json:"unknown"`
		OptUnk  float64  `json:"opt_unk"`
		OthUnk  float64  `json:"other_unk"`
		Section float64  `json:"section"`
		Opts    []optRow `json:"opts"`
	}
	for _, file := range strings.Split(files, ",") {
		for _, it := range mustLoadEval(t, file) {
			if len(it.Options) == 0 {
				continue
			}
			q := Question{Text: it.Query, Options: sortedOptions(it.Options)}
			ans, sig, err := ix.answer(context.Background(), q)
			if err != nil {
				t.Fatalf("%s: %v", it.ID, err)
			}
			ot := fx.optionTermSets(q.Options)
			hits, _ := ix.Search(context.Background(), q.Text, askSearchK)
			secRel := sectionRelevance(hits)
			sup := fx.scoreOptions(q.Text, q.Options, ot, secRel, defaultAskParams)
			hyp := fx.scoreHypotheses(q.Text, q.Options, ot, secRel, defaultAskParams)
			fx.penalizeForbidden(q.Text, q.Options, ot, sup, hyp, defaultAskParams.forbidden)
			en := ensemble(sup, hyp)
			pc, ph := confidences(sup), hypShares(hyp)
			pri := ix.pr.priorSignals(q.Text, q.Options)
			r := row{Set: file[strings.LastIndex(file, "/")+1:], ID: it.ID, Correct: it.Correct, Covered: it.Covered,
				Chosen: ans.Chosen, Choose: ans.Choose, Conf: ans.Confidence, Decided: ans.Decided, Inv: inverted(q.Text),
				Share: sig.share, Agree: sig.agree, Margin: sig.margin, Unknown: sig.unknown, OptUnk: sig.optUnk, OthUnk: sig.otherUnk, Section: sig.section}
			n := float64(len(q.Options))
			for i, o := range q.Options {
				w := func(t string) float64 { return distinctiveness(n, ot.count[t]) }
				cover := fx.deciderCover(sup[i], ot.terms[i], n, ot.count)
				r.Opts = append(r.Opts, optRow{Key: o.Key, Sup: sup[i].score, Hyp: hyp[i], Pc: pc[i], Ph: ph[i], En: en.score[i],
					Effort: pri[i].effort, Risky: pri[i].risky, Managed: pri[i].managed, Meets: pri[i].meets, Unk: fx.unknownShare(ot.terms[i], w),
					Words: len(strings.Fields(o.Text)), Cover: cover})
			}
			if err := enc.Encode(r); err != nil {
				t.Fatal(err)
			}
		}
	}
}
