package acd

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

// center builds the benchmark's call center: 10,000 agents logged in. Agents 1-2,000 serve
// two of the queues busy0-busy9 each and are all on calls, with 1,000 callers waiting in
// those queues (100 each). Agents 2,001-10,000 serve three of the queues open0-open9 each
// and are available, with skills for best_skill.
func center(b *testing.B, s Strategy) (*Router, time.Time) {
	b.Helper()
	r := NewRouter()
	const busyAgents, agents, waiting = 2000, 10000, 1000
	now := t0
	busy, open := make([][]Member, 10), make([][]Member, 10)
	for id := int64(1); id <= agents; id++ {
		i := int(id)
		m := Member{Agent: id, Proficiency: 1 + i%5, Tier: 1, Order: i}
		if id <= busyAgents {
			busy[i%10] = append(busy[i%10], m)
			busy[(i+1)%10] = append(busy[(i+1)%10], m)
			continue
		}
		for _, k := range []int{i % 10, (i + 3) % 10, (i + 7) % 10} {
			open[k] = append(open[k], m)
		}
	}
	for k := range 10 {
		must(r.SetQueue(now, queueOf(fmt.Sprintf("busy%d", k), s), busy[k]))
		must(r.SetQueue(now, queueOf(fmt.Sprintf("open%d", k), s), open[k]))
	}
	for id := int64(1); id <= agents; id++ {
		now = now.Add(time.Millisecond)
		must(r.AgentLogin(now, id, map[string]int{"en": 1 + int(id)%5, "yue": 1 + int(id)%3}))
	}
	n := 0
	for k := range 10 {
		// Fill each busy queue until a caller has to wait; with ring_all the first answers.
		for {
			n++
			c := "talk" + strconv.Itoa(n)
			o := only[Offer](must(r.CallArrived(now, Call{ID: c, Queue: fmt.Sprintf("busy%d", k), EnteredAt: now})))
			if len(o) == 0 {
				must(r.Abandoned(now, c))
				break
			}
			must(r.Answered(now, c, o[0].Agents[0]))
		}
	}
	for i := range waiting {
		now = now.Add(time.Millisecond)
		must(r.CallArrived(now, Call{ID: "wait" + strconv.Itoa(i), Queue: fmt.Sprintf("busy%d", i%10), VIP: i % 3, EnteredAt: now}))
	}
	if n := len(r.calls) - waiting; n != busyAgents {
		b.Fatalf("%d agents on calls, want %d", n, busyAgents)
	}
	return r, now
}

func must(acts []Action, err error) []Action {
	if err != nil {
		panic(err)
	}
	return acts
}

// BenchmarkCallArrives: a call joins a queue of 2,400 members (10,000 agents logged in,
// 1,000 callers waiting elsewhere) and is offered at once; the caller then hangs up, which
// frees the agent again. One op is these two events.
func BenchmarkCallArrives(b *testing.B) {
	cases := []struct {
		name     string
		strategy Strategy
		skills   map[string]int
	}{
		{"longest_idle", LongestIdle, nil},
		{"round_robin", RoundRobin, nil},
		{"fewest_calls", FewestCalls, nil},
		{"least_talk_time", LeastTalkTime, nil},
		{"top_down", TopDown, nil},
		{"best_skill", BestSkill, nil},
		{"longest_idle+skills", LongestIdle, map[string]int{"en": 4, "yue": 2}},
		{"best_skill+skills", BestSkill, map[string]int{"en": 4, "yue": 2}},
		{"ring_all", RingAll, nil},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			r, now := center(b, bc.strategy)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				now = now.Add(time.Millisecond)
				id := "c" + strconv.Itoa(i)
				acts, err := r.CallArrived(now, Call{ID: id, Queue: "open" + strconv.Itoa(i%10), Skills: bc.skills, EnteredAt: now})
				if err != nil || len(only[Offer](acts)) != 1 {
					b.Fatalf("no offer: %v %v", acts, err)
				}
				must(r.Abandoned(now, id))
				i++
			}
		})
	}
}

// BenchmarkAgentFrees: with 1,000 callers waiting and 10,000 agents logged in, an agent's
// call ends and the agent is offered the best waiting call across its two queues at once;
// the agent answers; a new caller joins the wait (no agent free), keeping 1,000 waiting.
// One op is these three events.
func BenchmarkAgentFrees(b *testing.B) {
	for _, s := range []Strategy{LongestIdle, BestSkill} {
		b.Run(string(s), func(b *testing.B) {
			r, now := center(b, s)
			talking := make([]string, 0, 2000)
			for id := int64(1); id <= 2000; id++ {
				talking = append(talking, r.agents[id].call.ID)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				now = now.Add(time.Millisecond)
				k := i % len(talking)
				acts := must(r.CallEnded(now, talking[k]))
				o := only[Offer](acts)
				if len(o) != 1 {
					b.Fatalf("no offer: %v", acts)
				}
				must(r.Answered(now, o[0].Call.ID, o[0].Agents[0]))
				talking[k] = o[0].Call.ID
				if acts := must(r.CallArrived(now, Call{ID: "n" + strconv.Itoa(i), Queue: "busy" + strconv.Itoa(i%10), EnteredAt: now})); len(only[Offer](acts)) != 0 {
					b.Fatal("a busy queue offered a call")
				}
				i++
			}
		})
	}
}
