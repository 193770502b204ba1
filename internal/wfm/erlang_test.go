package wfm

import (
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

// refC is Erlang C for every n in [from, to] by the textbook direct sum, in 256-bit
// floats so nothing overflows: with t_k = a^k / k!,
// C(n, a) = t_n·n/(n−a) / (Σ_{k<n} t_k + t_n·n/(n−a)).
// It shares nothing with the recurrence under test but the definition.
func refC(a float64, from, to int) map[int]float64 {
	const prec = 256
	nf := func(x float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(x) }
	ba := nf(a)
	term, sum := nf(1), nf(0) // t_0 = 1; sum holds Σ_{k<n} t_k
	out := map[int]float64{}
	for n := 0; n <= to; n++ {
		if n > 0 {
			term.Mul(term, ba)
			term.Quo(term, nf(float64(n)))
		}
		if n >= from {
			// tail = t_n · n / (n − a)
			tail := new(big.Float).SetPrec(prec).Mul(term, nf(float64(n)))
			tail.Quo(tail, new(big.Float).SetPrec(prec).Sub(nf(float64(n)), ba))
			den := new(big.Float).SetPrec(prec).Add(sum, tail)
			c, _ := new(big.Float).SetPrec(prec).Quo(tail, den).Float64()
			out[n] = c
		}
		sum.Add(sum, term)
	}
	return out
}

func relErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

func TestPublishedValues(t *testing.T) {
	cases := []struct {
		name string
		got  float64
		want float64
	}{
		// Erlang B table: 10 trunks, 5 Erlangs blocks 1.838 % of calls.
		{"B(10, 5)", ErlangB(10, 5), 0.018384570336648132},
		// Two agents, one Erlang: P(wait) = 1/3 exactly (M/M/2 with ρ = 1/2).
		{"C(2, 1)", ErlangC(2, 1), 1.0 / 3},
		// The classic 10-Erlang example (100 calls in 30 min at 180 s).
		{"C(11, 10)", ErlangC(11, 10), 0.6821182046893324},
		{"C(13, 10)", ErlangC(13, 10), 0.28527045303649295},
		{"C(14, 10)", ErlangC(14, 10), 0.17413193359504983},
		{"C(30, 24)", ErlangC(30, 24), 0.17286205549683792},
	}
	for _, c := range cases {
		if relErr(c.got, c.want) > 1e-12 {
			t.Errorf("%s = %.17g, want %.17g", c.name, c.got, c.want)
		}
	}
}

func TestRequiredClassicExample(t *testing.T) {
	// 100 calls in 30 minutes, 3-minute calls, 80 % within 20 s, 30 % shrinkage:
	// 10 Erlangs, 13 agents give 79.6 %, 14 give 88.8 %, 20 to schedule.
	s, err := Required(100, 180*time.Second, 30*time.Minute, Target{ServiceLevel: 0.8, AnswerWithin: 20 * time.Second, Shrinkage: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	if s.Traffic != 10 || s.Agents != 14 || s.Staff != 20 {
		t.Fatalf("traffic %v agents %d staff %d, want 10, 14, 20", s.Traffic, s.Agents, s.Staff)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"PWait", s.PWait, 0.17413193359504983},
		{"ServiceLevel", s.ServiceLevel, 0.8883500191794669},
		{"ASA seconds", s.ASA.Seconds(), 7.835937011777243},
		{"Occupancy", s.Occupancy, 10.0 / 14},
	}
	for _, c := range checks {
		if relErr(c.got, c.want) > 1e-9 {
			t.Errorf("%s = %.12g, want %.12g", c.name, c.got, c.want)
		}
	}
	if sl := Evaluate(13, 10, 180*time.Second, 20*time.Second).ServiceLevel; math.Abs(sl-0.7955947884177831) > 1e-12 {
		t.Errorf("SL with 13 agents = %v, want 0.79559", sl)
	}
}

func TestErlangCMatchesDirectSum(t *testing.T) {
	// Small and large traffic alike, from the first stable N to well past any target.
	for _, a := range []float64{0.25, 1, 2.5, 10, 24, 57.3, 250, 1000, 2000, 4321.5} {
		from := int(math.Floor(a)) + 1
		to := from + 40 + int(3*math.Sqrt(a))
		ref := refC(a, from, to)
		for n := from; n <= to; n++ {
			got := ErlangC(n, a)
			if math.IsNaN(got) || math.IsInf(got, 0) || relErr(got, ref[n]) > 1e-11 {
				t.Fatalf("C(%d, %v) = %.17g, reference %.17g", n, a, got, ref[n])
			}
		}
	}
}

func TestRequiredLargeTraffic(t *testing.T) {
	// 10,000 calls in 30 minutes at 6 minutes each: 2,000 Erlangs.
	target := Target{ServiceLevel: 0.8, AnswerWithin: 20 * time.Second, Shrinkage: 0.25}
	aht := 6 * time.Minute
	s, err := Required(10000, aht, 30*time.Minute, target)
	if err != nil {
		t.Fatal(err)
	}
	if s.Traffic != 2000 {
		t.Fatalf("traffic %v, want 2000", s.Traffic)
	}
	ref := refC(2000, s.Agents-1, s.Agents)
	sl := func(n int) float64 { return 1 - ref[n]*math.Exp(-float64(n-2000)*20/360) }
	if sl(s.Agents) < 0.8 || sl(s.Agents-1) >= 0.8 {
		t.Fatalf("%d agents: reference SL %v, with one fewer %v; want the first N reaching 0.8", s.Agents, sl(s.Agents), sl(s.Agents-1))
	}
	if relErr(s.ServiceLevel, sl(s.Agents)) > 1e-11 || relErr(s.PWait, ref[s.Agents]) > 1e-11 {
		t.Fatalf("SL %v PWait %v, reference %v %v", s.ServiceLevel, s.PWait, sl(s.Agents), ref[s.Agents])
	}
	if want := int(math.Ceil(float64(s.Agents) / 0.75)); s.Staff != want {
		t.Fatalf("staff %d, want %d", s.Staff, want)
	}
	t.Logf("2000 Erlangs at 80/20: %d agents, PWait %.4f, SL %.4f, ASA %v", s.Agents, s.PWait, s.ServiceLevel, s.ASA)
}

func TestMoreAgentsDoBetter(t *testing.T) {
	aht, within := 240*time.Second, 20*time.Second
	for _, a := range []float64{0.7, 8, 95.5, 1500} {
		prev := Evaluate(int(math.Floor(a))+1, a, aht, within)
		first := prev.Agents
		for n := first + 1; n <= first+200; n++ {
			o := Evaluate(n, a, aht, within)
			if o.PWait > prev.PWait || o.ServiceLevel < prev.ServiceLevel || o.ASA > prev.ASA || o.Occupancy >= prev.Occupancy {
				t.Fatalf("A=%v: %d agents %+v not better than %d agents %+v", a, n, o, prev.Agents, prev)
			}
			if prev.PWait > 1e-12 && o.PWait >= prev.PWait {
				t.Fatalf("A=%v: PWait did not fall from %d to %d agents: %v, %v", a, prev.Agents, n, prev.PWait, o.PWait)
			}
			prev = o
		}
	}
}

func TestRequiredTargets(t *testing.T) {
	aht, iv := 180*time.Second, 30*time.Minute
	base := Target{ServiceLevel: 0.8, AnswerWithin: 20 * time.Second}
	with := func(f func(*Target)) Target { t := base; f(&t); return t }
	cases := []struct {
		name   string
		calls  float64
		target Target
		agents int
		staff  int
	}{
		{"80/20", 100, base, 14, 14},
		{"ASA at most 5 s", 100, with(func(t *Target) { t.MaxASA = 5 * time.Second }), 15, 15},
		{"ASA at most 10 s (not binding)", 100, with(func(t *Target) { t.MaxASA = 10 * time.Second }), 14, 14},
		{"occupancy at most 60 %", 100, with(func(t *Target) { t.MaxOccupancy = 0.6 }), 17, 17},
		{"occupancy exactly 10/14 allowed", 100, with(func(t *Target) { t.MaxOccupancy = 10.0 / 14 }), 14, 14},
		{"90/20", 100, with(func(t *Target) { t.ServiceLevel = 0.9 }), 15, 15},
		{"80 % answered at once", 100, with(func(t *Target) { t.AnswerWithin = 0 }), 14, 14},
		{"90 % answered at once", 100, with(func(t *Target) { t.AnswerWithin = 0; t.ServiceLevel = 0.9 }), 16, 16},
		{"100 % within 20 s ends", 100, with(func(t *Target) { t.ServiceLevel = 1 }), 0, 0},
		{"shrinkage 30 %", 100, with(func(t *Target) { t.Shrinkage = 0.3 }), 14, 20},
		{"shrinkage 35 %", 100, with(func(t *Target) { t.Shrinkage = 0.35 }), 14, 22},
		{"no calls", 0, base, 0, 0},
		{"one call", 1, base, 1, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Required(c.calls, aht, iv, c.target)
			if err != nil {
				t.Fatal(err)
			}
			if c.target.ServiceLevel == 1 {
				// SL reaches 1 in float64 only when C·e^(...) < 2^-53: some agents above 14.
				if s.Agents <= 14 || s.ServiceLevel != 1 || s.Overloaded {
					t.Fatalf("got %+v", s)
				}
				return
			}
			if s.Agents != c.agents || s.Staff != c.staff {
				t.Fatalf("agents %d staff %d, want %d %d (%+v)", s.Agents, s.Staff, c.agents, c.staff, s.Outcome)
			}
			if !c.target.met(s.Outcome) || (s.Agents > 0 && c.target.met(Evaluate(s.Agents-1, s.Traffic, aht, c.target.AnswerWithin))) {
				t.Fatalf("%d agents is not the fewest meeting the target", s.Agents)
			}
		})
	}
}

func TestEvaluateEdges(t *testing.T) {
	o := Evaluate(10, 10, time.Minute, 20*time.Second)
	if !o.Overloaded || o.PWait != 1 || o.ServiceLevel != 0 || o.ASA != time.Duration(math.MaxInt64) {
		t.Fatalf("N = A: %+v", o)
	}
	if o := Evaluate(3, 5, time.Minute, 0); !o.Overloaded {
		t.Fatalf("N < A: %+v", o)
	}
	if o := Evaluate(0, 0, 0, 0); o.Overloaded || o.ServiceLevel != 1 || o.PWait != 0 {
		t.Fatalf("no traffic: %+v", o)
	}
	if ErlangB(0, 3) != 1 || ErlangB(4, 0) != 0 || ErlangC(4, 0) != 0 || ErlangC(3, 3) != 1 {
		t.Fatal("edge values of ErlangB/ErlangC")
	}
}

func TestRequiredRejectsBadInput(t *testing.T) {
	ok := Target{ServiceLevel: 0.8, AnswerWithin: 20 * time.Second}
	with := func(f func(*Target)) Target { t := ok; f(&t); return t }
	cases := []struct {
		name     string
		calls    float64
		aht, iv  time.Duration
		target   Target
		field    string
		tooLarge bool
	}{
		{"negative calls", -1, time.Minute, time.Hour, ok, "calls", false},
		{"NaN calls", math.NaN(), time.Minute, time.Hour, ok, "calls", false},
		{"infinite calls", math.Inf(1), time.Minute, time.Hour, ok, "calls", false},
		{"zero interval", 10, time.Minute, 0, ok, "interval", false},
		{"negative interval", 10, time.Minute, -time.Hour, ok, "interval", false},
		{"zero AHT with calls", 10, 0, time.Hour, ok, "aht", false},
		{"negative AHT", 0, -time.Second, time.Hour, ok, "aht", false},
		{"target 0", 10, time.Minute, time.Hour, with(func(t *Target) { t.ServiceLevel = 0 }), "service_level", false},
		{"target above 1", 10, time.Minute, time.Hour, with(func(t *Target) { t.ServiceLevel = 1.01 }), "service_level", false},
		{"target NaN", 10, time.Minute, time.Hour, with(func(t *Target) { t.ServiceLevel = math.NaN() }), "service_level", false},
		{"negative answer time", 10, time.Minute, time.Hour, with(func(t *Target) { t.AnswerWithin = -time.Second }), "answer_within", false},
		{"negative ASA limit", 10, time.Minute, time.Hour, with(func(t *Target) { t.MaxASA = -time.Second }), "max_asa", false},
		{"occupancy above 1", 10, time.Minute, time.Hour, with(func(t *Target) { t.MaxOccupancy = 1.5 }), "max_occupancy", false},
		{"shrinkage 1", 10, time.Minute, time.Hour, with(func(t *Target) { t.Shrinkage = 1 }), "shrinkage", false},
		{"negative shrinkage", 10, time.Minute, time.Hour, with(func(t *Target) { t.Shrinkage = -0.1 }), "shrinkage", false},
		{"traffic beyond any center", 1e9, time.Hour, time.Minute, ok, "", true},
		{"occupancy limit beyond any center", 100, time.Minute, time.Hour, with(func(t *Target) { t.MaxOccupancy = 1e-9 }), "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Required(c.calls, c.aht, c.iv, c.target)
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid {
				t.Fatalf("err = %v, want an invalid-input error", err)
			}
			if c.field != "" && e.Fields[c.field] == "" {
				t.Fatalf("err = %v, want a message for field %q", err, c.field)
			}
			if c.tooLarge && e.Key != "wfm_too_large" {
				t.Fatalf("err = %v, want wfm_too_large", err)
			}
		})
	}
}

func TestWithShrinkage(t *testing.T) {
	cases := []struct {
		n    int
		s    float64
		want int
	}{
		{14, 0, 14}, {14, 0.3, 20}, {14, 0.35, 22}, {7, 0.3, 10}, {10, 0.2, 13}, {9, 0.1, 10}, {1, 0.99, 100}, {0, 0.5, 0},
	}
	for _, c := range cases {
		if got := withShrinkage(c.n, c.s); got != c.want {
			t.Errorf("withShrinkage(%d, %v) = %d, want %d", c.n, c.s, got, c.want)
		}
	}
}
