package api

import (
	"sync"
	"time"

	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
)

// statusTTL is how stale an observer's status may be: on conference day
// every delegation refreshes at once, and the live feeds carry each change
// the moment it is recorded.
const statusTTL = time.Second

// statusCache keeps each process's encoded status briefly.
type statusCache struct {
	mu      sync.Mutex
	entries map[string]cachedStatus
}

type cachedStatus struct {
	body    []byte
	expires time.Time
}

func (c *statusCache) get(id string, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if !ok || now.After(e.expires) {
		return nil, false
	}
	return e.body, true
}

func (c *statusCache) put(id string, body []byte, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cachedStatus{}
	}
	for k, e := range c.entries { // keep the map to the processes read lately
		if now.After(e.expires) {
			delete(c.entries, k)
		}
	}
	c.entries[id] = cachedStatus{body: body, expires: now.Add(statusTTL)}
}

// verifiedFor is how long a chain read whole and found intact stands for
// its head, and for the entries appended after it, which are checked by
// themselves: then the whole chain is read again, so that a row changed in
// the middle behind the API's back is found within that time
// (docs/record-verification.md).
const verifiedFor = time.Minute

// maxVerified bounds the chains remembered: the processes read lately.
const maxVerified = 1024

// verifyCache keeps each process's last intact chain, so that the pages
// that show a record's verification do not each read the whole record.
// A broken chain is not kept: it is read whole each time, to say where.
type verifyCache struct {
	mu      sync.Mutex
	entries map[string]verifiedChain
}

type verifiedChain struct {
	v     wire.Verification
	whole time.Time // when the whole chain was last read and checked
}

// get is the process's last intact chain, and when it was read whole, if
// that was less than verifiedFor ago.
func (c *verifyCache) get(id string, now time.Time) (verifiedChain, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if !ok || now.Sub(e.whole) >= verifiedFor {
		return verifiedChain{}, false
	}
	return e, true
}

// put keeps an intact chain read whole at e.whole, or extended since; a
// broken one forgets the process's chain, so that no part of the record
// put back stands for the whole before it is read whole again.
func (c *verifyCache) put(id string, e verifiedChain, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !e.v.Verified {
		delete(c.entries, id)
		return
	}
	if c.entries == nil {
		c.entries = map[string]verifiedChain{}
	}
	for k, old := range c.entries {
		if now.Sub(old.whole) >= verifiedFor {
			delete(c.entries, k)
		}
	}
	old, ok := c.entries[id]
	switch {
	case ok && (old.whole.After(e.whole) || old.whole.Equal(e.whole) && old.v.Entries > e.v.Entries):
		return // a request that read later, or further, came back first
	case !ok && len(c.entries) >= maxVerified:
		return // more processes read lately than kept: this one is read whole
	}
	c.entries[id] = e
}

// tokenTTL is how long a process trusts a token's row it read. Issue #15
// asks that a token revoked through any process (or `compact token revoke`)
// be refused by every API process within a second: a row read before the
// revocation is trusted at most this long after its read began, which
// leaves the rest of the second to a slow read or a busy machine. The
// process that revokes or rotates forgets the token at once. Expiry and a
// replaced secret's grace are checked against the clock on every request,
// from the row, so they hold to the instant.
const tokenTTL = 250 * time.Millisecond

// maxTokens bounds the rows kept: the tokens used in the last tokenTTL.
const maxTokens = 4096

// tokenCache keeps the token rows read lately, by the hash of the secret
// that was sent. Only rows found are kept: an unknown secret is read each
// time, so that a token made by another process works at once.
type tokenCache struct {
	mu      sync.Mutex
	entries map[string]cachedToken
	forgot  time.Time // the last forget: a read that began before it may hold what it forgot
}

type cachedToken struct {
	t    store.Token
	read time.Time // when its read began, on the monotonic clock
}

func (c *tokenCache) get(hash string) (store.Token, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || time.Since(e.read) >= tokenTTL {
		return store.Token{}, false
	}
	return e.t, true
}

// put keeps t, read from a read that began at read, unless a later read
// of the same secret is kept already or a token was forgotten since.
func (c *tokenCache) put(hash string, t store.Token, read time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !read.After(c.forgot) {
		return
	}
	if c.entries == nil {
		c.entries = map[string]cachedToken{}
	}
	if old, ok := c.entries[hash]; ok && old.read.After(read) {
		return
	}
	if len(c.entries) >= maxTokens {
		for k, e := range c.entries {
			if time.Since(e.read) >= tokenTTL {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxTokens {
			return // more tokens in use than kept: this one is read each time
		}
	}
	c.entries[hash] = cachedToken{t: t, read: read}
}

// forget drops every secret of the token id, which this process has just
// revoked or rotated.
func (c *tokenCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgot = time.Now()
	for k, e := range c.entries {
		if e.t.ID == id {
			delete(c.entries, k)
		}
	}
}

// clear drops every row, after this process made secrets forgotten: they
// are unknown here from then on, not revoked or expired.
func (c *tokenCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgot = time.Now()
	clear(c.entries)
}
