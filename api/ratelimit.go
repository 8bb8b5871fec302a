package api

import (
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/compact-un/compact/process"
)

// Rate is a quota that refills: Burst requests at once, then PerSecond.
type Rate struct {
	PerSecond float64
	Burst     int
}

// cost is what a route's rate limits count it as.
type cost string

const (
	cheap      cost = ""
	writes     cost = "writes" // a request that changes something
	costlyRead cost = "reads"  // a read that costs the server more than a page
)

// costlyReads are the reads that walk a whole process or hold a
// connection: exports, diffs, event streams, and a search of the
// contributions (their list with q). The record's verification, which every
// overview page asks for, walks only the record's few hundred entries.
var costlyReads = []string{
	"GET /v1/processes/{id}/contributions.csv",
	"GET /v1/processes/{id}/contributions.json",
	"GET /v1/processes/{id}/record.csv",
	"GET /v1/processes/{id}/documents/{name}/diff",
	streamPattern,
	searchPattern,
	textDiffPattern,
	textSearchPattern,
}

// searchPattern lists contributions, and with q searches their text.
const searchPattern = "GET /v1/processes/{id}/contributions"

// costOf is what a request to pattern's route costs.
func costOf(pattern string, r *http.Request) cost {
	method, _, _ := strings.Cut(pattern, " ")
	switch {
	case pattern == searchPattern && !r.URL.Query().Has("q"):
		return cheap
	case slices.Contains(costlyReads, pattern):
		return costlyRead
	case method != http.MethodGet && method != http.MethodHead:
		return writes
	}
	return cheap
}

// addressQuota names the quotas of one client address, whatever its
// tokens; the roles' quotas are per token (an observer's, per address).
const addressQuota = "address"

// DefaultRates are the quotas, by "quota.cost": a role (observer for
// requests without a token) or "address", and "writes" or "reads" (the
// costly ones). A deadline's rush is many parties at once, each at a
// human pace; a script that loops is slowed down.
var DefaultRates = map[string]Rate{
	"pga-office.writes":     {10, 40},
	"pga-office.reads":      {5, 20},
	"co-facilitator.writes": {5, 20},
	"co-facilitator.reads":  {2, 10},
	"member-state.writes":   {5, 20},
	"member-state.reads":    {2, 10},
	"stakeholder.writes":    {2, 20},
	"stakeholder.reads":     {1, 10},
	"observer.writes":       {1, 10},
	"observer.reads":        {1, 10},
	"address.writes":        {20, 100},
	"address.reads":         {5, 30},
}

// ParseRates reads quotas that override DefaultRates:
// "stakeholder.writes=5/s,observer.reads=30/m", the burst twice the rate
// per second (at least 5), or "…=5/s:50" to give it.
func ParseRates(s string) (map[string]Rate, error) {
	rates := map[string]Rate{}
	for item := range strings.SplitSeq(s, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(item), "=")
		if _, known := DefaultRates[name]; !ok || !known {
			return nil, fmt.Errorf("rate %q: want QUOTA.COST=N/s or N/m, QUOTA.COST one of %s", item, strings.Join(slices.Sorted(maps.Keys(DefaultRates)), ", "))
		}
		per, burst, hasBurst := strings.Cut(value, ":")
		n, unit, _ := strings.Cut(per, "/")
		count, err := strconv.ParseFloat(n, 64)
		seconds := map[string]float64{"s": 1, "m": 60}[unit]
		if err != nil || count <= 0 || seconds == 0 {
			return nil, fmt.Errorf("rate %q: want a positive number per s or m", item)
		}
		r := Rate{PerSecond: count / seconds, Burst: max(5, int(math.Ceil(2*count/seconds)))}
		if hasBurst {
			if r.Burst, err = strconv.Atoi(burst); err != nil || r.Burst < 1 {
				return nil, fmt.Errorf("rate %q: the burst is a whole number of requests", item)
			}
		}
		rates[name] = r
	}
	return rates, nil
}

// quotas hold a token bucket per quota and key (a token's ID, or a client
// address).
type quotas struct {
	rates   map[string]Rate
	now     func() time.Time // the server's clock, which tests stop
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// maxBuckets bounds the buckets kept; past it, the full ones (idle
// clients) are dropped.
const maxBuckets = 100_000

func newQuotas(overrides map[string]Rate, now func() time.Time) *quotas {
	rates := maps.Clone(DefaultRates)
	maps.Copy(rates, overrides)
	return &quotas{rates: rates, buckets: map[string]*rate.Limiter{}, now: now}
}

// charge is one quota's charge for a request.
type charge struct {
	policy string // "stakeholder-writes"
	rate   Rate
	bucket *rate.Limiter
	res    *rate.Reservation
}

// admit charges a request of cost c to the quotas of its principal and of
// its client address, and says where they stand in the RateLimit and
// RateLimit-Policy fields of draft-ietf-httpapi-ratelimit-headers. Over
// either quota, it charges neither and refuses (429, Retry-After).
func (q *quotas) admit(w http.ResponseWriter, p Principal, addr netip.Addr, c cost) error {
	role, key := string(p.Role), p.TokenID
	if p.Role == Observer {
		role, key = "observer", addr.String()
	}
	now := q.now()
	charges := []charge{q.charge(role, key, c, now)}
	if addr.IsValid() { // not in-process: the pages' own requests are limited as the page's
		charges = append(charges, q.charge(addressQuota, addr.String(), c, now))
	}
	var wait time.Duration
	for _, ch := range charges {
		wait = max(wait, ch.res.DelayFrom(now))
	}
	var policy, state []string
	for _, ch := range charges {
		if wait > 0 {
			ch.res.CancelAt(now)
		}
		left := ch.bucket.TokensAt(now)
		refill := (float64(ch.rate.Burst) - left) / ch.rate.PerSecond
		policy = append(policy, fmt.Sprintf("%q;q=%d;w=%d", ch.policy, ch.rate.Burst, int(math.Ceil(float64(ch.rate.Burst)/ch.rate.PerSecond))))
		state = append(state, fmt.Sprintf("%q;r=%d;t=%d", ch.policy, max(0, int(left)), int(math.Ceil(refill))))
	}
	h := w.Header()
	h.Set("RateLimit-Policy", strings.Join(policy, ", "))
	h.Set("RateLimit", strings.Join(state, ", "))
	if wait > 0 {
		retry := int(math.Ceil(wait.Seconds()))
		h.Set("Retry-After", strconv.Itoa(retry))
		return process.Errorf("api.admit", process.RateLimited, "too many %s; try again in %d s", c, retry)
	}
	return nil
}

func (q *quotas) charge(quota, key string, c cost, now time.Time) charge {
	name := quota + "." + string(c)
	r := q.rates[name]
	q.mu.Lock()
	b, ok := q.buckets[name+"/"+key]
	if !ok {
		if len(q.buckets) >= maxBuckets {
			q.dropFull(now)
		}
		b = rate.NewLimiter(rate.Limit(r.PerSecond), r.Burst)
		q.buckets[name+"/"+key] = b
	}
	q.mu.Unlock()
	return charge{policy: quota + "-" + string(c), rate: r, bucket: b, res: b.ReserveN(now, 1)}
}

// dropFull forgets the buckets that have refilled: a new one is the same.
func (q *quotas) dropFull(now time.Time) {
	for k, b := range q.buckets {
		if b.TokensAt(now) >= float64(b.Burst()) {
			delete(q.buckets, k)
		}
	}
}
