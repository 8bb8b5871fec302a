// Package logging builds Compact's zap logger: readable on a terminal,
// JSON lines everywhere else (a service manager, a container, a file).
package logging

import (
	"fmt"
	"io"
	"os"

	"go.temporal.io/sdk/log"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"
)

// New returns a logger writing to stderr at level ("debug", "info", "warn",
// "error").
func New(level string) (*zap.Logger, error) {
	return newLogger(os.Stderr, term.IsTerminal(int(os.Stderr.Fd())), level)
}

func newLogger(w io.Writer, console bool, level string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("log level: %w", err)
	}
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	enc.EncodeDuration = zapcore.StringDurationEncoder // "1.5s", not 1.5
	var encoder zapcore.Encoder
	if console {
		enc.EncodeLevel = zapcore.CapitalColorLevelEncoder
		encoder = zapcore.NewConsoleEncoder(enc)
	} else {
		encoder = zapcore.NewJSONEncoder(enc)
	}
	core := zapcore.NewCore(encoder, zapcore.Lock(zapcore.AddSync(w)), lvl)
	return zap.New(core, zap.AddCaller(), zap.ErrorOutput(zapcore.Lock(zapcore.AddSync(w)))), nil
}

// Temporal adapts l to the Temporal SDK's logger, whose key-value pairs map
// onto zap's sugared fields.
func Temporal(l *zap.Logger) log.Logger {
	return sdkLogger{l.WithOptions(zap.AddCallerSkip(1)).Sugar()}
}

type sdkLogger struct{ s *zap.SugaredLogger }

func (l sdkLogger) Debug(msg string, kv ...any) { l.s.Debugw(msg, kv...) }
func (l sdkLogger) Info(msg string, kv ...any)  { l.s.Infow(msg, kv...) }
func (l sdkLogger) Warn(msg string, kv ...any)  { l.s.Warnw(msg, kv...) }
func (l sdkLogger) Error(msg string, kv ...any) { l.s.Errorw(msg, kv...) }

// With keeps kv on every later entry (log.WithLogger).
func (l sdkLogger) With(kv ...any) log.Logger { return sdkLogger{l.s.With(kv...)} }

// WithCallerSkip lets the SDK's own wrappers report their caller
// (log.WithSkipCallers).
func (l sdkLogger) WithCallerSkip(n int) log.Logger {
	return sdkLogger{l.s.WithOptions(zap.AddCallerSkip(n))}
}
