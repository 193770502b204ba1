package acd

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestMemberHeap compares the heap's removal and best-first walk with sorting, for every
// strategy's order, under random pushes, removals and eligibility.
func TestMemberHeap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range Strategies {
		h := memberHeap{less: strategyLess(s)}
		var in []*member
		var buf []int
		for step := range 2000 {
			if len(in) > 0 && rng.IntN(3) == 0 {
				m := in[rng.IntN(len(in))]
				h.remove(m)
				in = slices.DeleteFunc(in, func(x *member) bool { return x == m })
			} else {
				a := &agent{id: int64(step), idleSince: t0.Add(time.Duration(rng.IntN(50)) * time.Second), calls: rng.IntN(5), talk: time.Duration(rng.IntN(5))}
				m := &member{Member: Member{Agent: a.id, Proficiency: 1 + rng.IntN(5), Order: rng.IntN(10)}, a: a, lastOffer: uint64(rng.IntN(4))}
				h.push(m)
				in = append(in, m)
			}
			mod := int64(1 + rng.IntN(20))
			ok := func(m *member) bool { return m.a.id%mod == 0 }
			sorted := slices.Clone(in)
			slices.SortFunc(sorted, func(a, b *member) int {
				if h.less(a, b) {
					return -1
				}
				return 1
			})
			var want *member
			if i := slices.IndexFunc(sorted, ok); i >= 0 {
				want = sorted[i]
			}
			if got := h.first(&buf, ok); got != want {
				t.Fatalf("%s step %d: first %v, want %v", s, step, got, want)
			}
			for i, m := range h.items {
				if m.idx != i {
					t.Fatalf("%s: index %d holds %d", s, i, m.idx)
				}
			}
		}
	}
}
