package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func TestDecodeKey(t *testing.T) {
	key := bytes.Repeat([]byte{0xa5}, 32)
	for _, s := range []string{
		hex.EncodeToString(key), base64.StdEncoding.EncodeToString(key),
		base64.RawURLEncoding.EncodeToString(key), base64.URLEncoding.EncodeToString(key),
	} {
		if got, err := decodeKey(s); err != nil || !bytes.Equal(got, key) {
			t.Errorf("decodeKey(%q) = %x, %v", s, got, err)
		}
	}
	if got, err := decodeKey(""); got != nil || err != nil {
		t.Errorf("no key: %x, %v", got, err)
	}
	for s, want := range map[string]string{
		hex.EncodeToString(key[:16]): "16 bytes, want at least 32",
		"not a key!":                 "neither hex nor base64",
	} {
		if _, err := decodeKey(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("decodeKey(%q): %v, want %q", s, err, want)
		}
	}
}
