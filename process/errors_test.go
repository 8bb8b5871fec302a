package process

import (
	"errors"
	"fmt"
	"testing"
)

func TestFieldErrors(t *testing.T) {
	title := AtField("/title", Errorf("api.decode", Invalid, "a contribution needs a title"))
	body := AtField("/body", Errorf("api.decode", TooLarge, "the body is over %d bytes", 10))
	err := fmt.Errorf("submit: %w", errors.Join(title, body))
	if KindOf(title) != Invalid || Message(title) != "a contribution needs a title" {
		t.Errorf("kind %v message %q", KindOf(title), Message(title))
	}
	fields := Fields(err)
	if len(fields) != 2 || fields[0].Pointer != "/title" || fields[1].Pointer != "/body" ||
		Message(fields[1]) != "the body is over 10 bytes" {
		t.Errorf("fields %+v", fields)
	}
	if Fields(Errorf("op", Invalid, "no field")) != nil || AtField("/x", nil) != nil {
		t.Error("an error about no field has fields")
	}
}
