package process

import (
	"slices"
	"testing"
	"time"
)

func TestMemberStatesList(t *testing.T) {
	states := MemberStates()
	if len(states) != 193 {
		t.Fatalf("len(MemberStates()) = %d, want 193", len(states))
	}
	codes := make(map[string]bool, len(states))
	names := make(map[string]bool, len(states))
	for i, s := range states {
		if len(s.Code) != 3 {
			t.Errorf("code %q: want 3 letters", s.Code)
		}
		for _, r := range s.Code {
			if r < 'A' || r > 'Z' {
				t.Errorf("code %q: want upper-case ASCII letters", s.Code)
				break
			}
		}
		if codes[s.Code] {
			t.Errorf("duplicate code %q", s.Code)
		}
		codes[s.Code] = true
		if s.Name == "" {
			t.Errorf("code %q: empty name", s.Code)
		}
		if names[s.Name] {
			t.Errorf("duplicate name %q", s.Name)
		}
		names[s.Name] = true
		if i > 0 && states[i-1].Code >= s.Code {
			t.Errorf("not sorted: %q before %q", states[i-1].Code, s.Code)
		}
	}
}

func TestIsMemberState(t *testing.T) {
	for _, code := range []string{"MEX", "CHE", "USA", "HUN", "CZE", "ISR", "POL", "MAR", "SSD", "MNE"} {
		if !IsMemberState(code) {
			t.Errorf("IsMemberState(%q) = false, want true", code)
		}
	}
	for _, code := range []string{"VAT", "PSE", "TWN", "XKX", "", "mex", "MEXX"} {
		if IsMemberState(code) {
			t.Errorf("IsMemberState(%q) = true, want false", code)
		}
	}
	for _, s := range MemberStates() {
		if !IsMemberState(s.Code) {
			t.Errorf("IsMemberState(%q) = false for a listed state", s.Code)
		}
	}
}

func TestMemberStatesReturnsCopy(t *testing.T) {
	first := MemberStates()
	want := slices.Clone(first)
	first[0] = MemberState{Code: "ZZZ", Name: "Changed"}
	if got := MemberStates(); !slices.Equal(got, want) {
		t.Errorf("MemberStates() changed after modifying a previous result")
	}
}

func TestStateNameOn(t *testing.T) {
	for _, c := range []struct{ code, on, want string }{
		{"SWZ", "2018-04-18", "Swaziland"},
		{"SWZ", "2018-12-19", "Eswatini"},
		{"MKD", "2018-12-19", "The former Yugoslav Republic of Macedonia"},
		{"TUR", "2018-12-19", "Turkey"},
		{"TUR", "2022-06-01", "Türkiye"},
		{"CZE", "2018-12-19", "Czech Republic"},
		{"MEX", "2018-12-19", "Mexico"},
	} {
		on, _ := time.Parse(time.DateOnly, c.on)
		if got := StateNameOn(c.code, on); got != c.want {
			t.Errorf("StateNameOn(%s, %s) = %q, want %q", c.code, c.on, got, c.want)
		}
	}
}
