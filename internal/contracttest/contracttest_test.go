package contracttest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/compact-un/compact/process"
)

func newContract(t *testing.T) *Contract {
	doc, err := os.ReadFile("../../api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(doc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// TestContractCatches checks the checks: an answer openapi.json does not
// give, and a request it refuses but the server takes, are both reported.
func TestContractCatches(t *testing.T) {
	c := newContract(t)
	h := c.Check(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			answer(w, http.StatusCreated, process.Stage{})
			return
		}
		answer(w, http.StatusOK, map[string]any{"id": 7}) // a process's id is a string
	}))
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/v1/processes/p", nil),
		httptest.NewRequest(http.MethodPost, "/v1/processes/p/stages", strings.NewReader(`{"phase": 3}`)),
	} {
		r.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	for _, want := range []string{"GET /v1/processes/p: answer 200 {\"id\":7}\n does not match", "POST /v1/processes/p/stages: answered 201 to a request openapi.json refuses"} {
		if !slices.ContainsFunc(c.Faults(), func(f string) bool { return strings.HasPrefix(f, want) }) {
			t.Errorf("no fault %q among %q", want, c.Faults())
		}
	}
}
