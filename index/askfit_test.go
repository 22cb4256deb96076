package index

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
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
		Cover   float64  `json:"cover"`      // share of the first chosen option's distinctive weight its deciding fact holds
		CovGap  float64  `json:"cover_gap"`  // cover less the runner-up's
		Notes   bool     `json:"notes"`      // the notes alone rank the chosen options first
		InNotes bool     `json:"in_notes"`   // the verdict finds the question covered
		May     bool     `json:"may_decide"` // the gate before the confidence threshold (mayDecide)
		Note    string   `json:"note,omitempty"`
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
			sup := fx.scoreOptions(fx.termSet(q.Text), q.Options, ot, secRel, defaultAskParams)
			hyp := fx.scoreHypotheses(fx.termSet(q.Text), q.Options, ot, secRel, defaultAskParams)
			fx.penalizeForbidden(q.Text, q.Options, ot, sup, hyp, defaultAskParams.forbidden)
			en := ensemble(sup, hyp)
			pc, ph := confidences(sup), hypShares(hyp)
			pri := ix.pr.priorSignals(q.Text, q.Options)
			r := row{Set: file[strings.LastIndex(file, "/")+1:], ID: it.ID, Correct: it.Correct, Covered: it.Covered,
				Chosen: ans.Chosen, Choose: ans.Choose, Conf: ans.Confidence, Decided: ans.Decided, Inv: inverted(q.Text),
				Share: sig.share, Agree: sig.agree, Margin: sig.margin, Unknown: sig.unknown, OptUnk: sig.optUnk, OthUnk: sig.otherUnk, Section: sig.section,
				Cover: sig.cover, CovGap: sig.coverGap, Notes: sig.notes, InNotes: sig.covered(), May: sig.mayDecide(), Note: ans.Note}
			n := float64(len(q.Options))
			for i, o := range q.Options {
				w := func(t string) float64 { return distinctiveness(n, ot.count[t]) }
				cover, _ := fx.deciderCover(sup[i], ot.terms[i], n, ot.count)
				r.Opts = append(r.Opts, optRow{Key: o.Key, Sup: sup[i].score, Hyp: hyp[i], Pc: pc[i], Ph: ph[i], En: en.score[i],
					Effort: pri[i].effort, Risky: pri[i].risky, Managed: pri[i].managed, Meets: len(pri[i].needs), Unk: fx.unknownShare(ot.terms[i], w),
					Words: len(strings.Fields(o.Text)), Cover: cover})
			}
			if err := enc.Encode(r); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestAskCalibration refits the confidence model (askCal) on the eval files
// in DEVOPSBOT_ASKCAL_FILES (comma-separated) by logistic regression (L2
// penalty 1 on the weights, Newton's method), prints the weights, and
// prints, from five-fold cross-validated confidences, the share right among
// decided answers at several thresholds and the confidence buckets per
// file. "Right" is the chosen letter set equals the key and the item is
// not marked covered: false. It only measures, so it runs only when asked:
//
//	DEVOPSBOT_ASKCAL_FILES=a.jsonl,b.jsonl go test ./index -run AskCalibration -v
func TestAskCalibration(t *testing.T) {
	files := os.Getenv("DEVOPSBOT_ASKCAL_FILES")
	if files == "" {
		t.Skip("set DEVOPSBOT_ASKCAL_FILES to refit the confidence model")
	}
	ix := mustDefault(t)
	type row struct {
		file  string
		x     [len(calSignals)]float64
		right bool
		gate  bool // covered by the notes and chosen by them: may decide
	}
	var rows []row
	for _, file := range strings.Split(files, ",") {
		for _, it := range mustLoadEval(t, file) {
			q := Question{Text: it.Query, Options: sortedOptions(it.Options)}
			if len(q.Options) < MinOptions {
				continue
			}
			ans, sig, err := ix.answer(context.Background(), q)
			if err != nil {
				t.Fatalf("%s: %v", it.ID, err)
			}
			right := ans.Chosen == it.Correct && (it.Covered == nil || *it.Covered)
			rows = append(rows, row{file: filepath.Base(file), x: sig.features(), right: right, gate: sig.mayDecide() && !inverted(q.Text)})
		}
	}
	fit := func(rs []row) calibration {
		xs := make([][len(calSignals)]float64, len(rs))
		ys := make([]bool, len(rs))
		for i, r := range rs {
			xs[i], ys[i] = r.x, r.right
		}
		return fitLogistic(xs, ys, 1)
	}
	all := fit(rows)
	t.Logf("fit on %d items: bias %.2f", len(rows), all.bias)
	for i, n := range calSignals {
		t.Logf("  %-12s %6.2f", n, all.w[i])
	}
	// Five folds in a fixed shuffled order.
	order := rand.New(rand.NewPCG(1, 2)).Perm(len(rows))
	cv := make([]float64, len(rows))
	for k := range 5 {
		var train []row
		for j, i := range order {
			if j%5 != k {
				train = append(train, rows[i])
			}
		}
		m := fit(train)
		for j, i := range order {
			if j%5 == k {
				cv[i] = min(m.prob(rows[i].x), askMaxConfidence)
			}
		}
	}
	// The real-exam-style sets (their names hold "style") together, as the
	// closest to real exam questions.
	const realStyle = "all real-style"
	byFile := map[string][]int{"all": nil}
	for i, r := range rows {
		byFile[r.file] = append(byFile[r.file], i)
		byFile["all"] = append(byFile["all"], i)
		if strings.Contains(r.file, "style") {
			byFile[realStyle] = append(byFile[realStyle], i)
		}
	}
	t.Log("decided right / decided (cross-validated), by threshold:")
	for _, f := range slices.Sorted(maps.Keys(byFile)) {
		var b strings.Builder
		for _, th := range []float64{0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7} {
			n, r := 0, 0
			for _, i := range byFile[f] {
				if rows[i].gate && cv[i] >= th {
					n++
					if rows[i].right {
						r++
					}
				}
			}
			fmt.Fprintf(&b, " %.2f: %3d/%-3d", th, r, n)
		}
		t.Logf("  %-28s%s  (of %d)", f, b.String(), len(byFile[f]))
	}
	// The buckets from 0.4 are the bands of the reply's confidence labels
	// (bot/render_ask.go, confidenceLabel): low, fair, good, high.
	t.Log("confidence bucket -> right / answers (cross-validated), all items and the real-style sets; then the same for answers that may be decided:")
	for _, bk := range [][2]float64{{0, 0.2}, {0.2, 0.4}, {0.4, 0.55}, {0.55, 0.7}, {0.7, 0.85}, {0.85, 1.01}} {
		var b strings.Builder
		for _, gated := range []bool{false, true} {
			for _, f := range []string{"all", realStyle} {
				n, r := 0, 0
				for _, i := range byFile[f] {
					if cv[i] >= bk[0] && cv[i] < bk[1] && (!gated || rows[i].gate) {
						n++
						if rows[i].right {
							r++
						}
					}
				}
				fmt.Fprintf(&b, " %3d/%-3d", r, n)
			}
		}
		t.Logf("  %.2f-%.2f%s", bk[0], min(bk[1], 1), b.String())
	}
}

// fitLogistic fits a logistic regression of ys on xs by Newton's method,
// with an L2 penalty l2 on the weights (not the bias).
func fitLogistic(xs [][len(calSignals)]float64, ys []bool, l2 float64) calibration {
	const d = calDim
	var w [d]float64
	for range 50 {
		var g [d]float64
		var h [d][d]float64
		for n, x := range xs {
			v := [d]float64{1}
			copy(v[1:], x[:])
			z := 0.0
			for i := range v {
				z += w[i] * v[i]
			}
			p := 1 / (1 + math.Exp(-max(-30, min(30, z))))
			y := 0.0
			if ys[n] {
				y = 1
			}
			for i := range v {
				g[i] += (y - p) * v[i]
				for j := range v {
					h[i][j] += p * (1 - p) * v[i] * v[j]
				}
			}
		}
		for i := 1; i < d; i++ {
			g[i] -= l2 * w[i]
			h[i][i] += l2
		}
		h[0][0] += 1e-9
		step := solve(h, g)
		done := true
		for i := range w {
			w[i] += step[i]
			done = done && math.Abs(step[i]) < 1e-9
		}
		if done {
			break
		}
	}
	c := calibration{bias: w[0]}
	copy(c.w[:], w[1:])
	return c
}

// calDim is the number of coefficients of the confidence model.
const calDim = len(calSignals) + 1

// solve solves a·x = b by Gaussian elimination with partial pivoting.
func solve(a [calDim][calDim]float64, b [calDim]float64) [calDim]float64 {
	for c := range calDim {
		p := c
		for r := c + 1; r < calDim; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		b[c], b[p] = b[p], b[c]
		for r := range calDim {
			if r == c || a[c][c] == 0 {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k < calDim; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	var x [calDim]float64
	for i := range x {
		x[i] = b[i] / a[i][i]
	}
	return x
}
