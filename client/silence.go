package client

import (
	"context"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// BreakSilence breaks a running silence with the token's State's letter,
// before its deadline; the answer is the break as recorded.
func (c *Client) BreakSilence(ctx context.Context, id, stage string, in wire.BreakSilenceRequest) (process.SilenceBreak, error) {
	return post[process.SilenceBreak](ctx, c, ProcessPath(id, "stages", stage, "silence", "break"), in)
}
