package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/wire"
)

// Observers is the observers run: N server-sent-event streams open on one
// API process, and the delay until each receives one stage event.
type Observers struct {
	N        int // streams opened
	Received int // streams that received the event
	// FromRequest is each delay from the start of the request that caused
	// the event to its arrival; FromRecord from the entry's record time.
	FromRequest, FromRecord Percentiles
	Request                 time.Duration // the request's own latency
	Connect                 time.Duration // opening every stream
	// RSS of the API process (the stack included, the observers' clients
	// not) before the streams opened and while they were all open.
	RSSBefore, RSSDuring int64
	// HeapPerObserver and StackPerObserver are the heap and goroutine
	// stacks the API process holds for each open stream, after a collection.
	HeapPerObserver, StackPerObserver int64
	Goroutines                        int // the API process's, while the streams were open
	FirstError                        string
}

// Percentiles are a run's delays.
type Percentiles struct{ P50, P99, Max time.Duration }

func percentiles(d []time.Duration) Percentiles {
	if len(d) == 0 {
		return Percentiles{}
	}
	slices.Sort(d)
	return Percentiles{d[len(d)*50/100], d[len(d)*99/100], d[len(d)-1]}
}

// observersEnv, set in a child process's environment, makes it the
// observers' clients (see init) rather than what its binary is.
const observersEnv = "COMPACT_BENCH_OBSERVERS"

// The observers' clients run in a child process, this binary again: their
// sockets and memory are then not the API process's, whose figures are its
// own, and neither process needs descriptors for both ends of every stream.
func init() {
	if spec := os.Getenv(observersEnv); spec != "" {
		if err := observe(spec, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "observers: %v\n", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
}

// observerSpec is what the child is told.
type observerSpec struct {
	URL string // the stream's, after the record's head
	N   int
}

// observerResult is what the child answers: each stream's arrival, in
// Unix nanoseconds, 0 where the event did not come.
type observerResult struct {
	Arrivals []int64
	Error    string
}

// observers opens n event streams on an API process of its own over the
// stack, with stream limits raised to n (the defaults, 1,000 in all and 8
// per address, stay the production ones; Run has raised the open-file
// limit), then moves the hearing's deadline through the API and times the
// window.moved event's arrival on every stream.
func (b *bench) observers(ctx context.Context, n int) (Observers, error) {
	o := Observers{N: n}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return o, err
	}
	srv := api.New(api.Options{Temporal: b.stack.client, Store: b.stack.store,
		Limits: api.Limits{NoRateLimits: true, Streams: n, StreamsPerClient: n}})
	go srv.Serve(l)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = srv.Shutdown(ctx)
		cancel()
	}()
	base := "http://" + l.Addr().String() + "/v1/processes/" + b.processID

	head, err := b.stack.store.LastEntries(ctx, b.processID, 1)
	if err != nil || len(head) == 0 {
		return o, fmt.Errorf("the record's head: %v", err)
	}
	secret, tok, err := api.NewToken(api.PGAOffice, "PGA", "", "bench", time.Now())
	if err == nil {
		err = b.stack.store.CreateToken(ctx, tok)
	}
	if err != nil {
		return o, err
	}

	heapBefore := heapNow()
	o.RSSBefore = rssOf(os.Getpid())
	spec, _ := json.Marshal(observerSpec{URL: fmt.Sprintf("%s/events?after=%d", base, head[0].Seq), N: n})
	self, err := os.Executable()
	if err != nil {
		return o, err
	}
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), observersEnv+"="+string(spec))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return o, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return o, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return o, err
	}
	defer func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	}()
	answers := bufio.NewReader(stdout)
	if line, err := answers.ReadString('\n'); err != nil || line != "subscribed\n" {
		return o, fmt.Errorf("the observers did not all subscribe: %q %v", line, err)
	}
	o.Connect = time.Since(start)
	o.RSSDuring = rssOf(os.Getpid())
	heapDuring := heapNow()
	o.HeapPerObserver = (int64(heapDuring.HeapInuse) - int64(heapBefore.HeapInuse)) / int64(n)
	o.StackPerObserver = (int64(heapDuring.StackInuse) - int64(heapBefore.StackInuse)) / int64(n)
	o.Goroutines = runtime.NumGoroutine()

	// The deadline moves an hour on: the window stays open for a next run.
	w, err := b.stack.store.GetWindow(ctx, b.processID, "hearing")
	if err != nil {
		return o, err
	}
	// The profile, with --profile, is of the API process from the request
	// until every stream has the event.
	var caused time.Time
	var res observerResult
	err = profiled(b.o.ProfileDir, "observers", func() error {
		caused = time.Now()
		err := b.call(ctx, "POST", base+"/stages/hearing/window", secret, "",
			wire.WindowRequest{Closes: w.ClosesAt.Add(time.Hour).Format(time.RFC3339), Reason: "bench: observers"}, http.StatusOK, nil)
		o.Request = time.Since(caused)
		if err != nil {
			return err
		}
		// The child answers once every stream has the event, or when told
		// to stop: a stream without it after 10 s has not received it.
		stop := time.AfterFunc(10*time.Second, func() { _ = stdin.Close() })
		defer stop.Stop()
		if err := json.NewDecoder(answers).Decode(&res); err != nil {
			return fmt.Errorf("the observers' answer: %w", err)
		}
		return nil
	})
	if err != nil {
		return o, err
	}
	o.FirstError = res.Error
	entries, err := b.stack.store.EntriesPage(ctx, b.processID, head[0].Seq, 1)
	if err != nil || len(entries) == 0 {
		return o, fmt.Errorf("the event's entry: %v", err)
	}
	recorded := entries[0].RecordedAt
	var fromRequest, fromRecord []time.Duration
	for _, at := range res.Arrivals {
		if at == 0 {
			continue
		}
		t := time.Unix(0, at)
		fromRequest = append(fromRequest, t.Sub(caused))
		fromRecord = append(fromRecord, t.Sub(recorded))
	}
	o.Received = len(fromRequest)
	o.FromRequest, o.FromRecord = percentiles(fromRequest), percentiles(fromRecord)
	return o, nil
}

// heapNow is the memory in use after a collection.
func heapNow() runtime.MemStats {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m
}

// observe is the child's work: it opens the spec's streams, says
// "subscribed" once every one has its response's headers, and answers
// when each has an event or stop closes.
func observe(spec string, stop io.Reader, out io.Writer) error {
	var s observerSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		return err
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		return err
	}
	request := []byte("GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\nAccept: text/event-stream\r\n\r\n")
	conns := make([]net.Conn, s.N)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	readers := make([]*bufio.Reader, s.N)
	var (
		next     atomic.Int64
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	for range 64 { // dialers at once
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < s.N; i = int(next.Add(1)) - 1 {
				c, r, err := subscribe(u.Host, request)
				if err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, fmt.Errorf("stream %d: %w", i, err))
					mu.Unlock()
					return
				}
				conns[i], readers[i] = c, r
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if _, err := io.WriteString(out, "subscribed\n"); err != nil {
		return err
	}
	arrivals := make([]int64, s.N)
	var left sync.WaitGroup
	left.Add(s.N)
	for i, r := range readers {
		go func() {
			defer left.Done()
			if err := awaitEvent(r); err != nil {
				mu.Lock()
				firstErr = cmpErr(firstErr, fmt.Errorf("stream %d: %w", i, err))
				mu.Unlock()
				return
			}
			atomic.StoreInt64(&arrivals[i], time.Now().UnixNano())
		}()
	}
	all := make(chan struct{})
	go func() { left.Wait(); close(all) }()
	stopped := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, stop); close(stopped) }()
	select {
	case <-all:
	case <-stopped:
	}
	res := observerResult{Arrivals: make([]int64, s.N)}
	for i := range arrivals {
		res.Arrivals[i] = atomic.LoadInt64(&arrivals[i])
	}
	mu.Lock()
	if firstErr != nil {
		res.Error = firstErr.Error()
	}
	mu.Unlock()
	return json.NewEncoder(out).Encode(res)
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// subscribe opens a stream and reads its response's headers: the server
// writes them once the stream has joined its process's follower.
func subscribe(host string, request []byte) (net.Conn, *bufio.Reader, error) {
	c, err := net.Dial("tcp", host)
	if err != nil {
		return nil, nil, err
	}
	if _, err := c.Write(request); err != nil {
		c.Close()
		return nil, nil, err
	}
	r := bufio.NewReaderSize(c, 512)
	status, err := r.ReadString('\n')
	if err == nil && !strings.HasPrefix(status, "HTTP/1.1 200") {
		body, _ := io.ReadAll(io.LimitReader(r, 512))
		err = fmt.Errorf("%s%s", status, body)
	}
	for err == nil {
		var line []byte
		if line, err = r.ReadSlice('\n'); err == nil && len(bytes.TrimSpace(line)) == 0 {
			return c, r, nil
		}
	}
	c.Close()
	return nil, nil, err
}

// awaitEvent reads a stream until an event's id line: the only events
// after the head are the one the run causes.
func awaitEvent(r *bufio.Reader) error {
	for atStart := true; ; {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) { // a long data line
			atStart = false
			continue
		}
		if err != nil {
			return err
		}
		if atStart && bytes.HasPrefix(line, []byte("id: ")) {
			return nil
		}
		atStart = true
	}
}
