package client

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"

	"github.com/rs/zerolog"
)

// spec.memory_budget's limits and the Go memory limit derived from it. The budget itself, and
// how objects reserve it, is the read path's (internal/parquetread/memory_budget.go).
const (
	defaultMemoryBudget = 128 << 20
	minMemoryBudget     = 16 << 20
	maxMemoryBudget     = 64 << 30

	// memoryLimitOverhead is what the Go memory limit adds to the budget for what the budget
	// does not count: the runtime, goroutine stacks, the discovered tables, and the SDK's
	// serialised copy of the record it is sending (a record is at most a quarter of the budget).
	// 64 MiB let peak RSS reach 252 of the 256 MiB allowed at the defaults when the machine was
	// busy (the GC falls behind); 40 MiB measured 210-232 MiB there.
	memoryLimitOverhead = 40 << 20

	// discoveredHeapInOverhead is how much of the live heap after discovery the overhead above
	// covers; past it, the limit grows with the heap (fitMemoryLimit).
	discoveredHeapInOverhead = 16 << 20
)

func (s *Spec) setMemoryDefaults() { setDefault(&s.MemoryBudget, int64(defaultMemoryBudget)) }

func (s *Spec) validateMemory(add func(format string, args ...any)) {
	if s.MemoryBudget != nil && (*s.MemoryBudget < minMemoryBudget || *s.MemoryBudget > maxMemoryBudget) {
		add("spec.memory_budget must be from %d (16 MiB) to %d (64 GiB) bytes, got %d", int64(minMemoryBudget), int64(maxMemoryBudget), *s.MemoryBudget)
	}
}

// memoryLimit is the Go runtime's soft memory limit (GOMEMLIMIT) for a spec's budget.
func (s *Settings) memoryLimit() int64 { return s.MemoryBudget + memoryLimitOverhead }

// applyMemoryLimit sets the process's Go memory limit from the spec, so the garbage collector
// returns released buffers before the heap outgrows the budget, unless the user set GOMEMLIMIT
// (then theirs stands). It returns the limit in force.
func applyMemoryLimit(s *Settings) (limit int64, fromEnv bool) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1), true
	}
	debug.SetMemoryLimit(s.memoryLimit())
	return s.memoryLimit(), false
}

// liveHeap is the heap still in use after a collection.
func liveHeap() int64 {
	runtime.GC()
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	return int64(live[0].Value.Uint64())
}

// fitMemoryLimit sets the Go memory limit to the budget's plus what discovery keeps past
// discoveredHeapInOverhead (grown: the live heap after discovery less before it): the budget
// bounds the objects being read, not the objects and tables a large bucket's discovery holds
// for the whole sync (BENCHMARKS.md: 179 MiB for 10⁶ objects unsharded with schema: sample). A
// limit below the live heap makes the collector run without pause and take up to half the CPU.
func fitMemoryLimit(s *Settings, grown int64, logger zerolog.Logger) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	extra := max(0, grown-discoveredHeapInOverhead)
	debug.SetMemoryLimit(s.memoryLimit() + extra)
	if extra > 0 {
		logger.Info().Int64("discovered_heap", grown).Int64("go_memory_limit", s.memoryLimit()+extra).
			Msg("what discovery keeps is more than the Go memory limit allows for: the limit grows by it")
	}
}
