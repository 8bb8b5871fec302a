package metrics

import (
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// timerBuckets are the SDK timers' histogram buckets, in seconds: from a
// local gRPC call to a long poll.
var timerBuckets = []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}

type kind int

const (
	counterKind kind = iota
	gaugeKind
	timerKind
)

// sdkMetrics collects what the Temporal SDK emits. The SDK names metrics and
// tags as it goes, and one name may come with different tag sets; Prometheus
// needs one label set per name, so Collect labels each family with the union
// of its series' tag keys, leaving a missing tag empty.
type sdkMetrics struct {
	mu       sync.RWMutex
	families map[string]*family
}

type family struct {
	kind   kind
	series map[string]*series // by tagKey
}

// series is one name and tag set; it is the SDK's Counter, Gauge or Timer.
type series struct {
	labels  map[string]string
	counter atomic.Int64
	gauge   atomic.Uint64 // math.Float64bits

	mu      sync.Mutex // guards the timer fields
	buckets []uint64   // per bucket, not cumulative; the last is +Inf
	count   uint64
	sum     float64
}

func newSDKMetrics() *sdkMetrics {
	return &sdkMetrics{families: map[string]*family{}}
}

func (m *sdkMetrics) series(name string, k kind, h sdkHandler) *series {
	name = sanitize(name)
	m.mu.RLock()
	f := m.families[name]
	var s *series
	if f != nil {
		s = f.series[h.key]
	}
	m.mu.RUnlock()
	if s != nil && f.kind == k {
		return s
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if f = m.families[name]; f == nil {
		f = &family{kind: k, series: map[string]*series{}}
		m.families[name] = f
	}
	if f.kind != k {
		// A name used as two kinds cannot be one family; the first use wins
		// and the other gets a series nobody collects.
		return &series{buckets: make([]uint64, len(timerBuckets)+1)}
	}
	if s = f.series[h.key]; s == nil {
		s = &series{labels: h.tags}
		if k == timerKind {
			s.buckets = make([]uint64, len(timerBuckets)+1)
		}
		f.series[h.key] = s
	}
	return s
}

func (s *series) Inc(d int64) { s.counter.Add(d) }

func (s *series) Update(v float64) { s.gauge.Store(math.Float64bits(v)) }

func (s *series) Record(d time.Duration) {
	v := d.Seconds()
	i, _ := slices.BinarySearch(timerBuckets, v)
	s.mu.Lock()
	s.buckets[i]++
	s.count++
	s.sum += v
	s.mu.Unlock()
}

// Describe sends nothing: the SDK's names are known only once it emits them,
// which makes this an unchecked collector.
func (m *sdkMetrics) Describe(chan<- *prometheus.Desc) {}

func (m *sdkMetrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for name, f := range m.families {
		keySet := map[string]bool{}
		for _, s := range f.series {
			for k := range s.labels {
				keySet[k] = true
			}
		}
		keys := slices.Sorted(maps.Keys(keySet))
		desc := prometheus.NewDesc(name, "Temporal SDK metric "+name+".", keys, nil)
		for _, s := range f.series {
			values := make([]string, len(keys))
			for i, k := range keys {
				values[i] = s.labels[k]
			}
			ch <- s.metric(desc, f.kind, values)
		}
	}
}

func (s *series) metric(desc *prometheus.Desc, k kind, values []string) prometheus.Metric {
	var m prometheus.Metric
	var err error
	switch k {
	case counterKind:
		m, err = prometheus.NewConstMetric(desc, prometheus.CounterValue, float64(s.counter.Load()), values...)
	case gaugeKind:
		m, err = prometheus.NewConstMetric(desc, prometheus.GaugeValue, math.Float64frombits(s.gauge.Load()), values...)
	case timerKind:
		s.mu.Lock()
		cumulative := make(map[float64]uint64, len(timerBuckets))
		var n uint64
		for i, upper := range timerBuckets {
			n += s.buckets[i]
			cumulative[upper] = n
		}
		count, sum := s.count, s.sum
		s.mu.Unlock()
		m, err = prometheus.NewConstHistogram(desc, count, sum, cumulative, values...)
	}
	if err != nil {
		return prometheus.NewInvalidMetric(desc, err)
	}
	return m
}

// sdkHandler is a client.MetricsHandler with a fixed tag set.
type sdkHandler struct {
	m    *sdkMetrics
	tags map[string]string // sanitized keys; never mutated once built
	key  string            // tags, canonically encoded
}

func (h sdkHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := maps.Clone(h.tags)
	if merged == nil {
		merged = make(map[string]string, len(tags))
	}
	for k, v := range tags {
		merged[sanitize(k)] = v
	}
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(merged)) {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(merged[k])
		b.WriteByte(0)
	}
	return sdkHandler{m: h.m, tags: merged, key: b.String()}
}

func (h sdkHandler) Counter(name string) client.MetricsCounter {
	return h.m.series(name, counterKind, h)
}

func (h sdkHandler) Gauge(name string) client.MetricsGauge { return h.m.series(name, gaugeKind, h) }

func (h sdkHandler) Timer(name string) client.MetricsTimer { return h.m.series(name, timerKind, h) }

// sanitize makes s a valid Prometheus metric or label name.
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9'
		if !ok {
			b[i] = '_'
		}
	}
	return string(b)
}
