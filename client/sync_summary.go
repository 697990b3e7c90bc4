package client

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// maxLoggedSkips bounds the skipped keys listed in the summary line; the count is always exact.
const maxLoggedSkips = 1000

// skippedObject is an object left out of a sync, and why.
type skippedObject struct {
	Key    string
	Table  string
	Reason string
}

func (s skippedObject) String() string { return s.Key + " (" + s.Reason + ")" }

// syncStats counts what one Sync delivered, for its summary line.
type syncStats struct {
	started time.Time
	tables  int
	objects int
	// unchanged objects were not read: their table's cursor says an earlier sync delivered them.
	unchanged int
	// tooLate objects were not read either: they appeared with a LastModified at or before
	// their table's window start (incremental.go), so no incremental sync delivers them.
	tooLate int

	synced, failed, rows atomic.Int64

	mu      sync.Mutex
	skipped []skippedObject
}

func newSyncStats(tables []*discoveredTable, discoverySkips []skippedObject) *syncStats {
	s := &syncStats{started: time.Now(), tables: len(tables), skipped: discoverySkips}
	for _, t := range tables {
		s.objects += len(t.Objects)
	}
	s.objects += len(discoverySkips)
	return s
}

func (s *syncStats) skip(obj skippedObject) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.skipped = append(s.skipped, obj)
}

// log writes the one summary line of a sync: info when it succeeded, error otherwise.
func (s *syncStats) log(logger zerolog.Logger, bytes int64, err error) {
	s.mu.Lock()
	keys := make([]string, 0, min(len(s.skipped), maxLoggedSkips))
	for _, sk := range s.skipped[:min(len(s.skipped), maxLoggedSkips)] {
		keys = append(keys, sk.String())
	}
	skipped := len(s.skipped)
	s.mu.Unlock()

	ev := logger.Info()
	result := "ok"
	switch {
	case errors.Is(err, context.Canceled):
		ev, result = logger.Warn(), "cancelled"
	case err != nil:
		ev, result = logger.Error(), "failed"
	}
	ev.Str("result", result).
		Int("tables", s.tables).
		Int("objects", s.objects).
		Int64("objects_synced", s.synced.Load()).
		Int("objects_unchanged", s.unchanged).
		Int("objects_too_late", s.tooLate).
		Int("objects_skipped", skipped).
		Int64("objects_failed", s.failed.Load()).
		Int64("rows", s.rows.Load()).
		Int64("bytes", bytes).
		Str("duration", time.Since(s.started).Round(time.Millisecond).String()).
		Strs("skipped_keys", keys).
		Err(err).
		Msg("sync summary")
}
