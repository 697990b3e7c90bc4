package client

import (
	"os"
	"runtime/debug"
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
