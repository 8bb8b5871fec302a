package api

import (
	"sync"
	"time"
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
