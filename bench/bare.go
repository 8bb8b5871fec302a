package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"net"
	"net/http"
)

// bareIntake is the machine's limit for the intake: a net/http handler that
// decodes the same JSON body and appends it to the same database, opened
// with the store's own settings, in the same group commit (one transaction
// and one sync for whatever queued while the last one committed), and does
// nothing else: no token, no validation, no idempotency, no tracking
// number, no receipt. Its 201, like the intake's, comes after COMMIT.
type bareIntake struct {
	db    *sql.DB
	queue chan *bareRow
	srv   *http.Server
	url   string
}

// bareBatchRows is the store's bound on a batch (sqlstore.maxBatchRows).
const bareBatchRows = 256

type bareRow struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	err   error
	done  chan struct{}
}

// startBare serves the bare intake on loopback over db, which it closes
// on stop.
func startBare(ctx context.Context, db *sql.DB) (*bareIntake, error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_bare (title TEXT NOT NULL, body TEXT NOT NULL)`); err != nil {
		db.Close()
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		db.Close()
		return nil, err
	}
	b := &bareIntake{db: db, queue: make(chan *bareRow, 4*bareBatchRows), url: "http://" + l.Addr().String() + "/"}
	b.srv = &http.Server{Handler: http.HandlerFunc(b.post)}
	go b.commitAll()
	go b.srv.Serve(l)
	return b, nil
}

func (b *bareIntake) post(w http.ResponseWriter, r *http.Request) {
	row := &bareRow{done: make(chan struct{})}
	if err := json.NewDecoder(r.Body).Decode(row); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b.queue <- row
	<-row.done
	if row.err != nil {
		http.Error(w, row.err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

// commitAll waits for a row, takes whatever else has queued without
// waiting, and commits them in one transaction, until the queue is closed.
func (b *bareIntake) commitAll() {
	for first := range b.queue {
		batch := []*bareRow{first}
	drain:
		for len(batch) < bareBatchRows {
			select {
			case row, ok := <-b.queue:
				if !ok {
					break drain
				}
				batch = append(batch, row)
			default:
				break drain
			}
		}
		err := b.insert(batch)
		for _, row := range batch {
			row.err = err
			close(row.done)
		}
	}
}

func (b *bareIntake) insert(batch []*bareRow) error {
	tx, err := b.db.Begin()
	if err != nil {
		return err
	}
	for _, row := range batch {
		if _, err := tx.Exec(`INSERT INTO bench_bare (title, body) VALUES ($1, $2)`, row.Title, row.Body); err != nil {
			tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

func (b *bareIntake) stop() {
	_ = b.srv.Close() // no handler waits on the queue once the clients are done
	close(b.queue)
	_ = b.db.Close()
}
