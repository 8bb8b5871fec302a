package text

import (
	"slices"
)

// SourcesOf says, for every paragraph next changed, added or removed
// since the compilation's revision (by Diff), which amendments and which
// contributions it came from: what Next says of that paragraph when next
// was made so, else the amendments incorporated or merged on the
// paragraph and the contributions they cite. A change no amendment
// explains is given with none, so that every change is listed. next must
// carry IDs (Identify, or Next).
func (c *Compilation) SourcesOf(next *Revision) []Source {
	made := map[string]Source{}
	if _, sources, err := c.Next(); err == nil { // a conflict among decisions leaves only the decisions
		for _, s := range sources {
			made[s.ID] = s
		}
	}
	var out []Source
	for _, ch := range Diff(c.Revision, next) {
		if ch.Op != Edited && ch.Op != Added && ch.Op != Removed {
			continue
		}
		if s, ok := made[ch.ID]; ok && s.Change == ch.Op {
			out = append(out, s)
			continue
		}
		s := Source{ID: ch.ID, Change: ch.Op}
		if i := c.Revision.Index(ch.ID); i >= 0 {
			for _, p := range c.Entries[i].Proposals {
				if p.Decision.Outcome == Incorporated || p.Decision.Outcome == Merged {
					s.Amendments = append(s.Amendments, p.Amendment.ID)
					s.Contributions = append(s.Contributions, p.Amendment.Cites...)
				}
			}
		}
		slices.Sort(s.Contributions)
		s.Contributions = slices.Compact(s.Contributions)
		out = append(out, s)
	}
	return out
}
