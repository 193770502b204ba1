package acd

import (
	"container/heap"
	"time"
)

// memberHeap holds a queue's available members, best first by the queue's strategy.
// Each member knows its index, so an agent leaving the available state is removed in
// O(log n) from every queue it serves.
type memberHeap struct {
	items []*member
	less  func(a, b *member) bool
}

func (h *memberHeap) swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].idx, h.items[j].idx = i, j
}

func (h *memberHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(h.items[i], h.items[p]) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h *memberHeap) down(i int) bool {
	start, n := i, len(h.items)
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && h.less(h.items[r], h.items[c]) {
			c = r
		}
		if !h.less(h.items[c], h.items[i]) {
			break
		}
		h.swap(i, c)
		i = c
	}
	return i > start
}

func (h *memberHeap) push(m *member) {
	m.idx = len(h.items)
	h.items = append(h.items, m)
	h.up(m.idx)
}

func (h *memberHeap) remove(m *member) {
	i, last := m.idx, len(h.items)-1
	if i != last {
		h.swap(i, last)
	}
	h.items[last] = nil
	h.items = h.items[:last]
	m.idx = -1
	if i != last && !h.down(i) {
		h.up(i)
	}
}

// init re-establishes the order after keys changed in place.
func (h *memberHeap) init() {
	for i := len(h.items)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

// first returns the best member for which ok holds, visiting members in order: a
// best-first walk over the heap with a frontier of candidate indexes (buf is reused), so
// skipping k unsuitable members costs O(k log k), not a scan of the whole queue.
func (h *memberHeap) first(buf *[]int, ok func(*member) bool) *member {
	if len(h.items) == 0 {
		return nil
	}
	f := frontier{idx: (*buf)[:0], h: h}
	f.push(0)
	defer func() { *buf = f.idx }()
	for len(f.idx) > 0 {
		i := f.pop()
		if ok(h.items[i]) {
			return h.items[i]
		}
		for c := 2*i + 1; c <= 2*i+2 && c < len(h.items); c++ {
			f.push(c)
		}
	}
	return nil
}

// frontier is a small binary heap of indexes into a memberHeap.
type frontier struct {
	idx []int
	h   *memberHeap
}

func (f *frontier) less(i, j int) bool { return f.h.less(f.h.items[f.idx[i]], f.h.items[f.idx[j]]) }

func (f *frontier) push(x int) {
	f.idx = append(f.idx, x)
	for i := len(f.idx) - 1; i > 0; {
		p := (i - 1) / 2
		if !f.less(i, p) {
			break
		}
		f.idx[i], f.idx[p] = f.idx[p], f.idx[i]
		i = p
	}
}

func (f *frontier) pop() int {
	top, n := f.idx[0], len(f.idx)-1
	f.idx[0] = f.idx[n]
	f.idx = f.idx[:n]
	for i := 0; ; {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && f.less(r, c) {
			c = r
		}
		if !f.less(c, i) {
			break
		}
		f.idx[i], f.idx[c] = f.idx[c], f.idx[i]
		i = c
	}
	return top
}

// deadlineKind is what a deadline is for.
type deadlineKind uint8

const (
	dRing     deadlineKind = iota // an offer rang out
	dMaxWait                      // a call waited Queue.MaxWaitSeconds
	dAnnounce                     // time for the next position announcement
	dTier                         // a call reached a tier's escalation time
	dRetry                        // every reachable agent missed the call; try them again
	dWrapUp                       // an agent's wrap-up time is over
)

// deadline is a moment at which the Router must act. Entries are never removed early:
// each carries the generation of the call or agent it was made for and is dropped when it
// comes due if that has moved on (lazy deletion keeps every event O(log n)).
type deadline struct {
	at   time.Time
	kind deadlineKind
	c    *call
	a    *agent
	gen  uint64
}

type deadlines []deadline

func (d deadlines) Len() int           { return len(d) }
func (d deadlines) Less(i, j int) bool { return d[i].at.Before(d[j].at) }
func (d deadlines) Swap(i, j int)      { d[i], d[j] = d[j], d[i] }
func (d *deadlines) Push(x any)        { *d = append(*d, x.(deadline)) }
func (d *deadlines) Pop() any {
	old := *d
	x := old[len(old)-1]
	old[len(old)-1] = deadline{}
	*d = old[:len(old)-1]
	return x
}

func (r *Router) schedule(d deadline) { heap.Push(&r.deadlines, d) }
