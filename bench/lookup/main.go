// Command lookup measures screen-pop latency: crm.Store.LookupByPhone on a SQLite
// database of many customers (1,000,000 by default). The database is generated once
// under the user's cache folder and reused while it holds the wanted number of customers.
//
//	go run ./bench/lookup                 # 1,000,000 customers, 20,000 lookups
//	go run ./bench/lookup -n 100000 -lookups 5000 -db /tmp/lookup.db
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/db"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "lookup:", err)
		os.Exit(1)
	}
}

func run() error {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	n := flag.Int("n", 1_000_000, "customers in the database")
	lookups := flag.Int("lookups", 20_000, "lookups to time")
	path := flag.String("db", "", "SQLite file (default: <cache>/hotline-bench/lookup-<n>.db)")
	flag.Parse()
	if *path == "" {
		*path = filepath.Join(cache, "hotline-bench", fmt.Sprintf("lookup-%d.db", *n))
	}
	ctx := context.Background()
	d, err := db.Open(ctx, *path)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	s := crm.NewStore(d)
	have, err := s.Count(ctx)
	if err != nil {
		return err
	}
	if have != *n {
		if have != 0 {
			return fmt.Errorf("%s holds %d customers, not %d: remove it or pass -db", *path, have, *n)
		}
		start := time.Now()
		if err := generate(ctx, d, *n); err != nil {
			return err
		}
		fmt.Printf("generated %d customers in %s into %s\n", *n, time.Since(start).Round(time.Second), *path)
	} else {
		fmt.Printf("reusing %s (%d customers)\n", *path, have)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	formats := []func(i int) string{
		func(i int) string { return mobile(i) },
		func(i int) string { m := mobile(i); return m[:3] + "-" + m[3:7] + "-" + m[7:] },
		func(i int) string { return "+86 " + mobile(i) },
		func(i int) string { return office(i) },
	}
	// Warm up the page cache and the read pool.
	for i := 0; i < 1000; i++ {
		if _, err := s.LookupByPhone(ctx, mobile(rng.IntN(*n))); err != nil {
			return err
		}
	}
	times := make([]time.Duration, 0, *lookups)
	found := 0
	for i := 0; i < *lookups; i++ {
		k := rng.IntN(*n)
		raw := formats[i%len(formats)](k)
		if i%len(formats) == 3 && k%3 != 0 {
			raw = office(k - k%3) // only every third customer has an office number
		}
		if i%10 == 9 {
			raw = fmt.Sprintf("0755-%d", 80000000+rng.IntN(1000000)) // a caller nobody knows
		}
		t0 := time.Now()
		cs, err := s.LookupByPhone(ctx, raw)
		times = append(times, time.Since(t0))
		if err != nil {
			return fmt.Errorf("lookup %q: %w", raw, err)
		}
		if len(cs) > 0 {
			found++
		}
	}
	slices.Sort(times)
	pct := func(p float64) time.Duration { return times[int(float64(len(times)-1)*p)] }
	fmt.Printf("%d lookups (%d found) over %d customers: p50 %s  p90 %s  p99 %s  max %s\n",
		len(times), found, *n, pct(0.50), pct(0.90), pct(0.99), times[len(times)-1])
	if pct(0.99) > 2*time.Millisecond {
		fmt.Println("p99 is above the 2 ms goal")
	}
	return nil
}

// mobile is customer i's mobile number: unique for i below 10^9.
func mobile(i int) string { return fmt.Sprintf("13%09d", i*7%1_000_000_000) }

// office is the Beijing office number of every third customer.
func office(i int) string { return fmt.Sprintf("010-6%07d", i) }

// generate writes n customers (a mobile each, an office number for every third) in
// batches, with multi-row INSERTs: the same tables the store reads, filled fast.
func generate(ctx context.Context, d *db.DB, n int) error {
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗")
	given := []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平")
	now := time.Now().UTC().Truncate(time.Microsecond)
	const batch = 500
	for start := 0; start < n; start += batch * 20 {
		tx, err := d.Write().BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for b := start; b < min(start+batch*20, n); b += batch {
			end := min(b+batch, n)
			q := "INSERT INTO customers (id, name, company, vip_level, city, note, fields, created_at, updated_at) VALUES "
			args := []any{now}
			pq := "INSERT INTO customer_phones (customer_id, number, display, label) VALUES "
			var pargs []any
			for i := b; i < end; i++ {
				if i > b {
					q += ","
				}
				name := string(surnames[i%len(surnames)]) + string(given[(i/7)%len(given)])
				if i%2 == 0 {
					name += string(given[(i/3)%len(given)])
				}
				args = append(args, i+1, name)
				q += fmt.Sprintf("($%d, $%d, '', %d, '', '', '{}', $1, $1)", len(args)-1, len(args), i%40/37)
				nums := []string{mobile(i)}
				if i%3 == 0 {
					nums = append(nums, office(i))
				}
				for _, raw := range nums {
					num, err := crm.NormalizePhone(raw)
					if err != nil {
						return err
					}
					if len(pargs) > 0 {
						pq += ","
					}
					pargs = append(pargs, i+1, num, crm.DisplayPhone(num))
					pq += fmt.Sprintf("($%d, $%d, $%d, '')", len(pargs)-2, len(pargs)-1, len(pargs))
				}
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				tx.Rollback()
				return err
			}
			if _, err := tx.ExecContext(ctx, pq, pargs...); err != nil {
				tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	_, err := d.Write().ExecContext(ctx, "ANALYZE")
	return err
}
