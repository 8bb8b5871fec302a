package bench

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// Sampling of the block and mutex profiles while a run is profiled: one
// blocking event per blockRate nanoseconds spent blocked, one contention
// event in mutexFraction. Finer sampling would slow the run it measures.
const (
	blockRate     = 10_000
	mutexFraction = 10
)

// profiled runs f with the CPU profiler on and blocking and contention
// sampled, then writes name-cpu.pprof, name-block.pprof and
// name-mutex.pprof to dir. With dir empty it only runs f.
func profiled(dir, name string, f func() error) (err error) {
	if dir == "" {
		return f()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cpu, err := os.Create(filepath.Join(dir, name+"-cpu.pprof"))
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, cpu.Close()) }()
	if err := pprof.StartCPUProfile(cpu); err != nil {
		return err
	}
	runtime.SetBlockProfileRate(blockRate)
	runtime.SetMutexProfileFraction(mutexFraction)
	err = f()
	pprof.StopCPUProfile()
	runtime.SetBlockProfileRate(0)
	runtime.SetMutexProfileFraction(0)
	for _, p := range []string{"block", "mutex"} {
		err = errors.Join(err, writeProfile(filepath.Join(dir, name+"-"+p+".pprof"), p))
	}
	return err
}

func writeProfile(path, profile string) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	return errors.Join(pprof.Lookup(profile).WriteTo(out, 0), out.Close())
}
