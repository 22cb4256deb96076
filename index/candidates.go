package index

import (
	"cmp"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"
)

// This file finds the sections to re-rank: the best matches of the
// disjunction of the query's terms, scored as Bleve scores a disjunction of
// term queries (BM25 by default).
//
// Bleve would build a term searcher per query term for every search: a
// term dictionary lookup, a postings iterator decoding each posting, a
// document match per posting, and the field's statistics read again for
// each term. All of that is fixed for one snapshot of the index except the
// query's boosts and which terms it has. So each term's postings are read
// once per snapshot through Bleve's TermFieldReader, scored there as far as
// they do not depend on the query (BM25's field weight), and kept; a search
// combines the kept lists the way Bleve's disjunction searchers do, down to
// the order in which they add up each document's clause scores, so the
// scores are Bleve's to the last bit (TestCandidatesMatchBleveSearch
// compares with bleve.Index.SearchInContext).

// candidate is a section Bleve's scoring ranks: its index in ix.secs and its
// score.
type candidate struct {
	sec   int
	score float64
}

// clause is one term of the candidate query.
type clause struct {
	term  string
	id    int32   // ix.ids[term]
	boost float64 // the term's weight in the plan
	post  *postings
	qw    float64 // Bleve's query weight: boost × idf × query norm
}

// candidateClauses returns the terms of the disjunction that ranks the
// candidates, each boosted by its weight. Long queries send only their
// most telling terms (the rest still count in re-ranking); common terms
// cost the most postings.
func (ix *Index) candidateClauses(p *plan) []clause {
	cls := make([]clause, 0, min(len(p.terms), maxBleveTerms))
	for i, t := range p.terms {
		if i >= maxBleveTerms {
			break
		}
		if len(p.terms) > 12 && float64(ix.df[t.term]) > commonShare*float64(len(ix.secs)) {
			continue
		}
		cls = append(cls, clause{term: t.term, id: p.ids[i], boost: t.weight})
	}
	return cls
}

// candidates returns the sections to re-rank, best first, ties in the
// order of the sections: the best max(k, minCandidates) by the score Bleve
// gives the disjunction of the plan's candidate clauses. Ties are broken by
// section rather than by Bleve's document number, which follows the map
// order of the indexing batch and so changed from one build of the index to
// the next.
func (ix *Index) candidates(ctx context.Context, p *plan, k int) ([]candidate, error) {
	size := max(k, minCandidates)
	cls := ix.candidateClauses(p)
	if len(cls) == 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	snap, err := ix.snapshot(r)
	if err != nil {
		return nil, err
	}
	for i := range cls {
		if cls[i].post, err = snap.postings(ctx, r, cls[i].id, cls[i].term); err != nil {
			return nil, err
		}
	}
	// Bleve merges up to searcher.DisjunctionHeapTakeover clauses in a
	// slice, sorted by their number of postings, and more in a heap, in the
	// query's order; the query norm and each document's sum are added up in
	// that order.
	useHeap := len(cls) > searcher.DisjunctionHeapTakeover
	if !useHeap {
		// sort.Sort, as Bleve sorts them, is an insertion sort for so few
		// and so stable.
		slices.SortStableFunc(cls, func(a, b clause) int { return cmp.Compare(a.post.count, b.post.count) })
	}
	sumSq := 0.0
	for _, c := range cls {
		w := c.boost * c.post.idf
		sumSq += w * w
	}
	norm := 1.0 / math.Sqrt(sumSq)
	for i := range cls {
		cls[i].qw = cls[i].boost * cls[i].post.idf * norm
	}
	top := make([]candidate, 0, size+1)
	emit := func(doc uint32, sum float64, matched int) {
		score := sum * (float64(matched) / float64(len(cls)))
		top = keepTop(top, candidate{sec: int(snap.secs[doc]), score: score}, size)
	}
	if useHeap {
		mergeHeap(cls, emit)
	} else {
		snap.mergeSlice(cls, emit)
	}
	return top, nil
}

// clauseScore is Bleve's score of one posting of c: the field weight times
// the query weight unless that is exactly 1.
func (c *clause) score(p posting) float64 {
	if c.qw != 1.0 {
		return p.weight * c.qw
	}
	return p.weight
}

// mergeSlice adds up each document's clause scores in the order of cls,
// as Bleve's slice disjunction searcher does, and emits every document
// some clause matched.
func (s *snapshot) mergeSlice(cls []clause, emit func(doc uint32, sum float64, matched int)) {
	sc := s.scratch.Get().(*mergeScratch)
	defer s.scratch.Put(sc)
	for i := range cls {
		c := &cls[i]
		for _, p := range c.post.list {
			a := &sc.acc[p.doc]
			if a.matched == 0 {
				sc.touched = append(sc.touched, p.doc)
			}
			a.sum += c.score(p)
			a.matched++
		}
	}
	for _, doc := range sc.touched {
		a := &sc.acc[doc]
		emit(doc, a.sum, int(a.matched))
		*a = docSum{}
	}
	sc.touched = sc.touched[:0]
}

// mergeScratch is one search's running sums by document number.
type mergeScratch struct {
	acc     []docSum
	touched []uint32 // the documents with a sum, in the order first matched
}

type docSum struct {
	sum     float64
	matched int32
}

// mergeHeap walks the clauses' postings in document order through a heap
// of cursors exactly as Bleve's heap disjunction searcher does (the same
// pushes and pops, so documents matched by several clauses add up their
// scores in the same order), and emits each document.
func mergeHeap(cls []clause, emit func(doc uint32, sum float64, matched int)) {
	curs := make([]heapCursor, len(cls))
	h := make(cursorHeap, 0, len(cls))
	for i := range cls {
		if l := cls[i].post.list; len(l) > 0 {
			curs[i] = heapCursor{cl: i, doc: l[0].doc}
			heap.Push(&h, &curs[i])
		}
	}
	matching := make([]*heapCursor, 0, len(cls))
	next := func() {
		matching = matching[:0]
		if h.Len() == 0 {
			return
		}
		c := heap.Pop(&h).(*heapCursor)
		matching = append(matching, c)
		for h.Len() > 0 && h[0].doc == c.doc {
			matching = append(matching, heap.Pop(&h).(*heapCursor))
		}
	}
	next()
	for len(matching) > 0 {
		sum := 0.0
		for _, c := range matching {
			sum += cls[c.cl].score(cls[c.cl].post.list[c.pos])
		}
		emit(matching[0].doc, sum, len(matching))
		for _, c := range matching {
			c.pos++
			if l := cls[c.cl].post.list; c.pos < len(l) {
				c.doc = l[c.pos].doc
				heap.Push(&h, c)
			}
		}
		next()
	}
}

// heapCursor is a clause's place in its postings.
type heapCursor struct {
	cl, pos int
	doc     uint32 // the document at pos
}

// cursorHeap orders cursors by document number (container/heap, as Bleve's).
type cursorHeap []*heapCursor

func (h cursorHeap) Len() int           { return len(h) }
func (h cursorHeap) Less(i, j int) bool { return h[i].doc < h[j].doc }
func (h cursorHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)        { *h = append(*h, x.(*heapCursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// keepTop inserts c into top, sorted by score (best first), then section,
// keeping at most n.
func keepTop(top []candidate, c candidate, n int) []candidate {
	i := len(top)
	for i > 0 && (top[i-1].score < c.score || (top[i-1].score == c.score && top[i-1].sec > c.sec)) {
		i--
	}
	if i >= n {
		return top
	}
	if len(top) < n {
		top = append(top, candidate{})
	}
	copy(top[i+1:], top[i:len(top)-1])
	top[i] = c
	return top
}

// errUnknownDoc is a Bleve document that is no section of the index.
var errUnknownDoc = errors.New("index: document not indexed here")

// snapshot is what the candidates keep about one snapshot of the Bleve
// index (one reader): the section of each document number, the field
// statistics, and the postings of the terms searched so far. The index is
// built once, so it has one snapshot; a new one would replace all of it.
type snapshot struct {
	reader bindex.IndexReader
	secs   []int32 // by document number; -1 for none

	// What Bleve's term searchers read for each term: the number of
	// documents and, for BM25, the average field length (0 for TF-IDF).
	docTotal     uint64
	avgDocLength float64

	terms  []atomic.Pointer[postings] // by term number (ix.ids)
	bytes  atomic.Int64               // held by terms
	budget int64                      // at most this many bytes (maxPostingBytes)
	// scratch holds mergeScratch sized for secs.
	scratch sync.Pool
}

// maxPostingBytes bounds the postings a snapshot keeps; terms read beyond
// it are read again by each search. Every term of the default notes takes
// 0.25 MB (7,986 postings).
const maxPostingBytes = 32 << 20

// postings is one term's postings in the body field, in document order,
// with what Bleve's term scorer derives from the term alone.
type postings struct {
	count uint64  // documents with the term (the reader's Count)
	idf   float64 // Bleve's IDF for count
	list  []posting
}

// posting is a document holding the term and its field weight: Bleve's
// score of the term in it before the query weight.
type posting struct {
	doc    uint32
	weight float64
}

// snapshot returns the candidates' state for reader r, made on the first
// search of its snapshot.
func (ix *Index) snapshot(r bindex.IndexReader) (*snapshot, error) {
	if s := ix.snap.Load(); s != nil && s.reader == r {
		return s, nil
	}
	s := &snapshot{reader: r, secs: make([]int32, 0, len(ix.secs)), terms: make([]atomic.Pointer[postings], len(ix.ids)), budget: maxPostingBytes}
	for i := range ix.secs {
		id, err := r.InternalID(strconv.Itoa(i))
		if err != nil {
			return nil, fmt.Errorf("section %d: %w", i, err)
		}
		if id == nil {
			return nil, fmt.Errorf("section %d: %w", i, errUnknownDoc)
		}
		doc := id.Value()
		if doc >= uint64(4*len(ix.secs)+64) {
			return nil, fmt.Errorf("section %d: document number %d: %w", i, doc, errUnknownDoc)
		}
		for uint64(len(s.secs)) <= doc {
			s.secs = append(s.secs, -1)
		}
		s.secs[doc] = int32(i)
	}
	n := len(s.secs)
	s.scratch.New = func() any { return &mergeScratch{acc: make([]docSum, n)} }
	// The field statistics as Bleve's term searchers read them for the
	// index's scoring model.
	model := bindex.DefaultScoringModel
	if m, ok := ix.bi.Mapping().(*mapping.IndexMappingImpl); ok && m.ScoringModel != "" {
		model = m.ScoringModel
	}
	count, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	s.docTotal = count
	if model == bindex.BM25Scoring {
		card := 0
		if br, ok := r.(bindex.BM25Reader); ok {
			if card, err = br.FieldCardinality(bodyField); err != nil {
				return nil, err
			}
		}
		if count != 0 || card != 0 {
			s.avgDocLength = math.Ceil(float64(card) / float64(count))
		}
	}
	ix.snap.Store(s)
	return s, nil
}

// postings returns the postings of term (numbered id), kept from an
// earlier search of the snapshot or read through r.
func (s *snapshot) postings(ctx context.Context, r bindex.IndexReader, id int32, term string) (*postings, error) {
	if id >= 0 && int(id) < len(s.terms) {
		if p := s.terms[id].Load(); p != nil {
			return p, nil
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tfr, err := r.TermFieldReader(ctx, []byte(term), bodyField, true, true, false)
	if err != nil {
		return nil, err
	}
	defer tfr.Close()
	p := &postings{count: tfr.Count()}
	p.idf = s.idf(p.count)
	p.list = make([]posting, 0, p.count)
	var tfd bindex.TermFieldDoc
	for {
		d, err := tfr.Next(tfd.Reset())
		if err != nil {
			return nil, err
		}
		if d == nil {
			break
		}
		doc := d.ID.Value()
		if doc >= uint64(len(s.secs)) || s.secs[doc] < 0 {
			return nil, fmt.Errorf("document %d: %w", doc, errUnknownDoc)
		}
		p.list = append(p.list, posting{doc: uint32(doc), weight: s.fieldWeight(p.idf, d.Freq, d.Norm)})
	}
	if id >= 0 && int(id) < len(s.terms) {
		size := int64(cap(p.list))*16 + 64
		if s.bytes.Add(size) <= s.budget {
			if !s.terms[id].CompareAndSwap(nil, p) {
				s.bytes.Add(-size) // another search kept the same list
			}
		} else {
			s.bytes.Add(-size)
		}
	}
	return p, nil
}

// idf is Bleve's inverse document frequency of a term in count documents
// (scorer.TermQueryScorer).
func (s *snapshot) idf(count uint64) float64 {
	if s.avgDocLength > 0 {
		return math.Log(1 + (float64(s.docTotal)-float64(count)+0.5)/(float64(count)+0.5))
	}
	return 1.0 + math.Log(float64(s.docTotal)/float64(count+1.0))
}

// fieldWeight is Bleve's score of a term with idf in a document where it
// occurs freq times in a field of norm, before the query weight
// (scorer.TermQueryScorer's docScore, same operations in the same order).
func (s *snapshot) fieldWeight(idf float64, freq uint64, norm float64) float64 {
	var tf float64
	if freq < scorer.MaxSqrtCache {
		tf = scorer.SqrtCache[int(freq)]
	} else {
		tf = math.Sqrt(float64(freq))
	}
	if s.avgDocLength > 0 {
		fieldLength := 1 / (norm * norm)
		return idf * (tf * search.BM25_k1) /
			(tf + search.BM25_k1*(1-search.BM25_b+(search.BM25_b*fieldLength/s.avgDocLength)))
	}
	return tf * norm * idf
}
