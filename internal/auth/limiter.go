package auth

import (
	"sync"
	"time"
)

// Limiter allows n events per key per window (a fixed window per key). It bounds its
// memory by dropping windows that have ended whenever it has grown.
type Limiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	now    func() time.Time
	counts map[string]*windowCount
}

type windowCount struct {
	start time.Time
	n     int
}

// NewLimiter returns a limiter of n events per window.
func NewLimiter(n int, window time.Duration, now func() time.Time) *Limiter {
	return &Limiter{n: n, window: window, now: now, counts: map[string]*windowCount{}}
}

// Exceeded reports whether key has used up its events in the current window.
func (l *Limiter) Exceeded(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.counts[key]
	return c != nil && l.now().Sub(c.start) < l.window && c.n >= l.n
}

// Hit counts one event for key.
func (l *Limiter) Hit(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.counts) > 10000 {
		for k, c := range l.counts {
			if now.Sub(c.start) >= l.window {
				delete(l.counts, k)
			}
		}
	}
	c := l.counts[key]
	if c == nil || now.Sub(c.start) >= l.window {
		c = &windowCount{start: now}
		l.counts[key] = c
	}
	c.n++
}
