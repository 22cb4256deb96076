package bot

import "sync"

// maxCachedQuery is the longest lookup text whose reply is cached: longer
// ones (a pasted paragraph) are rarely asked twice.
const maxCachedQuery = 256

// lookupCache keeps the replies to recent lookups, so that a query asked
// again (teams repeat lookups) is neither searched nor rendered again, and
// its reply JSON is encoded once. A reply depends only on the query text,
// the view and the notes, and holds nothing of the user who asked: entries
// are kept for one notes generation, and the first reply of a newer
// generation empties the cache. When it is full, an arbitrary entry makes
// room (Go's map order is random): unlike least recently used, that keeps a
// share of a cycle of queries larger than the cache.
//
// A nil *lookupCache caches nothing.
type lookupCache struct {
	max int
	mu  sync.RWMutex
	gen uint64 // the notes generation of the entries
	m   map[lookupKey]cachedLookup
}

type lookupKey struct {
	query string
	v     view
}

// cachedLookup is a reply and the outcome of the lookup that made it.
type cachedLookup struct {
	resp    Response
	outcome string
}

// newLookupCache returns a cache of at most n replies; nil when n <= 0.
func newLookupCache(n int) *lookupCache {
	if n <= 0 {
		return nil
	}
	return &lookupCache{max: n, m: make(map[lookupKey]cachedLookup)}
}

// get returns the reply kept for k in generation gen.
func (c *lookupCache) get(gen uint64, k lookupKey) (cachedLookup, bool) {
	if c == nil || len(k.query) > maxCachedQuery {
		return cachedLookup{}, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if gen != c.gen {
		return cachedLookup{}, false
	}
	e, ok := c.m[k]
	return e, ok
}

// put keeps e for k, made on the notes of generation gen. A reply made on
// notes replaced since is dropped.
func (c *lookupCache) put(gen uint64, k lookupKey, e cachedLookup) {
	if c == nil || len(k.query) > maxCachedQuery {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case gen < c.gen:
		return
	case gen > c.gen:
		clear(c.m)
		c.gen = gen
	}
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = e
}
