package sqlstore_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/postgres"
	"github.com/compact-un/compact/store/sqlstore"
	"github.com/compact-un/compact/text"
)

// Sizes of the search benchmark's corpus: more contributions than any
// process has had (the GCM's consultations received a few thousand), and
// ten revisions of a draft of the GCM's length.
const (
	benchContributions = 100_000
	benchRevisions     = 10
	benchParagraphs    = 1_200
)

// rebuildIndex rebuilds each engine's full-text index from the stored rows.
var rebuildIndex = map[string]string{
	"sqlite":   `INSERT INTO search_fts (search_fts) VALUES ('rebuild')`,
	"postgres": `REINDEX INDEX search_docs_tsv`,
}

var searchPostgres = flag.String("search.postgres", "",
	"the URL of a PostgreSQL database to search, alone: the corpus is loaded into it unless it holds it, and kept, so that two builds search the same data")

// BenchmarkSearch searches 100,000 contributions and ten revisions of
// 1,200 paragraphs, as a reader without a token, on a SQLite file and,
// when COMPACT_TEST_POSTGRES is set, on PostgreSQL. It reports each
// query's 50th and 99th percentile latency, the time to load the corpus
// (the index kept by triggers) and to rebuild the index from it.
//
//	go test ./store/sqlstore -run XXX -bench Search -benchtime 2000x -timeout 30m
//	go test ./store/sqlstore -run XXX -bench Search/postgres/phrase -benchtime 200x -search.postgres URL
func BenchmarkSearch(b *testing.B) {
	open := map[string]func(b *testing.B) *sqlstore.DB{
		"sqlite": func(b *testing.B) *sqlstore.DB { return openSQLite(b, filepath.Join(b.TempDir(), "compact.db")) },
	}
	if os.Getenv("COMPACT_TEST_POSTGRES") != "" {
		open["postgres"] = func(b *testing.B) *sqlstore.DB { return openPostgres(b) }
	}
	kept := *searchPostgres != ""
	if kept {
		delete(open, "sqlite")
		open["postgres"] = func(b *testing.B) *sqlstore.DB {
			db, err := postgres.Open(context.Background(), *searchPostgres)
			if err != nil {
				b.Fatal(err)
			}
			return db
		}
	}
	for _, name := range []string{"sqlite", "postgres"} {
		if open[name] == nil {
			continue
		}
		db := open[name](b)
		if _, err := db.GetProcess(context.Background(), "gcm-2018"); !kept || err != nil {
			start := time.Now()
			loadCorpus(b, db)
			loaded := time.Since(start)
			start = time.Now()
			if err := db.Exec(rebuildIndex[name]); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: corpus loaded with its index in %v; index rebuilt in %v", name, loaded.Round(time.Millisecond),
				time.Since(start).Round(time.Millisecond))
		}
		for _, q := range benchQueries {
			b.Run(name+"/"+q.name, func(b *testing.B) { benchmarkQuery(b, db, q.text) })
		}
		db.Close()
	}
}

var benchQueries = []struct{ name, text string }{
	{"common-word", "migrants"},    // the commonest: in most texts
	{"middle-word", "remittances"}, // the 37th
	{"rare-word", "term4000"},      // in about 200 texts
	{"two-words", "migrant children"},
	{"phrase", `"safe and dignified return"`}, // its words together in 6,551 texts, as a phrase in 2
	{"common-phrase", `"migrants migration"`}, // in about 15,000
	{"or-exclude", "detention OR alternatives -children"},
	{"no-match", "xylophone"},
}

func benchmarkQuery(b *testing.B, db *sqlstore.DB, q string) {
	ctx := context.Background()
	took := make([]time.Duration, 0, b.N)
	hits := 0
	for b.Loop() {
		start := time.Now()
		page, err := db.Search(ctx, store.SearchQuery{ProcessID: "gcm-2018", Text: q, Limit: 20})
		took = append(took, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		hits = len(page.Hits)
	}
	slices.Sort(took)
	at := func(p float64) float64 { return float64(took[int(p*float64(len(took)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(float64(hits), "hits")
}

// benchWords are the corpus's vocabulary, commonest first, drawn on a Zipf
// law: a few words in most texts, most words in few.
var benchWords = func() []string {
	words := strings.Fields(`migrants migration states international rights human cooperation countries
		origin transit destination return children women workers labour data border management
		safe orderly regular development sustainable protection access services integration
		detention alternatives smuggling trafficking victims remittances diaspora skills recognition
		consular documentation identity climate disasters vulnerability reintegration dignified
		evidence capacity partnerships review implementation national policies law enforcement`)
	for i := len(words); i < 5000; i++ {
		words = append(words, fmt.Sprintf("term%04d", i))
	}
	return words
}()

type wordSource struct{ zipf *rand.Zipf }

func newWordSource(seed uint64) wordSource {
	r := rand.New(rand.NewPCG(seed, 1))
	return wordSource{rand.NewZipf(r, 1.1, 4, uint64(len(benchWords)-1))}
}

func (w wordSource) sentence(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = benchWords[w.zipf.Uint64()]
	}
	return strings.Join(s, " ") + "."
}

// loadCorpus stores the process, its window, the contributions in batches
// as the intake commits them, and the revisions, each editing a tenth of
// the paragraphs of the one before.
func loadCorpus(b *testing.B, db *sqlstore.DB) {
	ctx := context.Background()
	check := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	check(db.PutProcess(ctx, process.Process{ID: "gcm-2018", Code: "GCM"}))
	check(db.PutWindow(ctx, process.ContributionWindow{ProcessID: "gcm-2018", StageID: "ts1", Code: "TS1", Public: true,
		Purpose: process.ForContributions, State: process.WindowOpen, OpensAt: opens, ClosesAt: opens.AddDate(0, 1, 0)}))
	words := newWordSource(1)
	batch := make([]process.Submission, 0, 256)
	for i := range benchContributions {
		s := submission(fmt.Sprintf("P%06d", i), "k")
		s.Title, s.Body = words.sentence(6), words.sentence(80)
		if batch = append(batch, s); len(batch) == cap(batch) || i == benchContributions-1 {
			_, errs := db.SubmitBatch(batch, during)
			for _, err := range errs {
				check(err)
			}
			batch = batch[:0]
		}
	}
	rev := text.Revision{Paragraphs: make([]text.Paragraph, benchParagraphs)}
	for i := range rev.Paragraphs {
		rev.Paragraphs[i] = text.Paragraph{ID: fmt.Sprintf("r0-%d", i+1), Part: text.Operative, Text: words.sentence(40)}
	}
	rev.Renumber()
	for n := range benchRevisions {
		rev.Number = n
		if n > 0 {
			rev.Paragraphs = slices.Clone(rev.Paragraphs)
			for i := n % 10; i < len(rev.Paragraphs); i += 10 {
				rev.Paragraphs[i].Text = words.sentence(40)
			}
		}
		_, err := db.PutRevision(ctx, store.Revision{ProcessID: "gcm-2018", Revision: rev, Language: "en",
			IssuedAt: opens.AddDate(0, 2+n, 0)})
		check(err)
	}
	check(db.IndexQueued()) // SQLite indexes contributions after their COMMIT
}
