package datafile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
)

// Config configures Open.
type Config struct {
	// Path is the data file. Required.
	Path string
	// Schema describes the store's models; nil means lbmodel.Describe of
	// the store.
	Schema *lbmodel.Schema
	// Seed, when Path does not exist, is loaded instead (a data file's
	// contents) and written to Path at once. Nil means: start empty and
	// create Path at the first commit.
	Seed []byte
	// MinInterval is the least time between two writes of the file; commits
	// made in between are written together. Zero means no wait: the file is
	// rewritten as soon as the previous write ends, and the commits made
	// during a write are coalesced into the next.
	MinInterval time.Duration
}

// File keeps a data file in step with a store: after every commit (and
// Restore) it writes the store's state to the file, atomically. Its methods
// are safe for concurrent use.
type File struct {
	s      *memstore.Store
	schema *lbmodel.Schema
	path   string
	min    time.Duration
	stop   chan struct{} // closed by Close
	done   chan struct{} // closed when the writer has stopped

	mu     sync.Mutex // protects saved, err, wrote, closed
	saved  uint64     // the store's Watch count that the file holds
	err    error      // the last write's error, nil after a good write
	wrote  chan struct{}
	closed bool
}

// Open loads the data file at cfg.Path into s (see Load; s should hold no
// rows), or cfg.Seed when there is no file, then keeps the file in step with
// the store until Close: a goroutine writes the store's state after commits,
// coalesced (while it writes, further commits wait for the next write, which
// holds them all), and atomically: to a temporary file in the same
// directory, fsynced, renamed over the file, and the directory fsynced, so
// that a crash at any instant leaves the old file or the new one, never a
// mix. Leftover temporary files of an earlier crash are removed.
//
// A write error (a full disk) is retried at the next commit, or after a
// second; Flush reports it.
func Open(ctx context.Context, s *memstore.Store, cfg Config) (*File, Report, error) {
	if cfg.Path == "" {
		return nil, Report{}, errors.New("datafile: open: no path")
	}
	schema := cfg.Schema
	if schema == nil {
		schema = lbmodel.Describe(s)
	}
	removeTemps(cfg.Path)
	data, err := os.ReadFile(cfg.Path)
	seeded := false
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data, seeded = cfg.Seed, cfg.Seed != nil
	case err != nil:
		return nil, Report{}, fmt.Errorf("datafile: open: %w", err)
	}
	rep := Report{Rows: map[string]int{}}
	if data != nil {
		name := cfg.Path
		if seeded {
			name = "seed data"
		}
		if rep, err = Load(ctx, s, schema, name, data); err != nil {
			return nil, rep, err
		}
	} else if err := checkSavable(s, schema); err != nil {
		return nil, rep, err
	}
	f := &File{s: s, schema: schema, path: cfg.Path, min: cfg.MinInterval,
		stop: make(chan struct{}), done: make(chan struct{}), wrote: make(chan struct{})}
	f.saved, _ = s.Watch()
	if seeded {
		f.saved-- // the seed is not in the file yet: write it at once
	}
	go f.run()
	return f, rep, nil
}

// run is the writer goroutine.
func (f *File) run() {
	defer close(f.done)
	var last time.Time
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	defer retry.Stop()
	for {
		n, next := f.s.Watch()
		f.mu.Lock()
		dirty := n != f.saved || f.err != nil
		f.mu.Unlock()
		if dirty {
			if wait := f.min - time.Since(last); f.min > 0 && wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-t.C:
					n, next = f.s.Watch() // the commits made while waiting are written too
				case <-f.stop: // write now; the stop is seen below
				}
				t.Stop()
			}
			last = time.Now()
			err := f.save()
			f.mu.Lock()
			f.err = err
			if err == nil {
				f.saved = n
			}
			close(f.wrote)
			f.wrote = make(chan struct{})
			f.mu.Unlock()
			if err != nil {
				retry.Reset(time.Second)
			}
		}
		select {
		case <-next:
		case <-retry.C:
		case <-f.stop:
			f.mu.Lock()
			clean := f.saved == n && f.err == nil
			f.mu.Unlock()
			if n2, _ := f.s.Watch(); clean && n2 == n {
				return
			}
			// One last write for the commits since, then stop.
			n, _ = f.s.Watch()
			err := f.save()
			f.mu.Lock()
			f.err = err
			if err == nil {
				f.saved = n
			}
			close(f.wrote)
			f.wrote = make(chan struct{})
			f.mu.Unlock()
			return
		}
	}
}

// save writes the store's current state to the file.
func (f *File) save() error {
	data, err := Marshal(context.Background(), f.s, f.schema)
	if err != nil {
		return err
	}
	return writeAtomic(f.path, data)
}

// Flush waits until the file holds every commit made before the call, and
// returns the error of the last write, if it failed. It returns ErrClosed
// after Close, and ctx's error if ctx ends first.
func (f *File) Flush(ctx context.Context) error {
	target, _ := f.s.Watch()
	for {
		f.mu.Lock()
		saved, err, wrote, closed := f.saved, f.err, f.wrote, f.closed
		f.mu.Unlock()
		switch {
		case err != nil:
			return fmt.Errorf("datafile: %s: %w", f.path, err)
		case saved >= target:
			return nil
		case closed:
			return ErrClosed
		}
		select {
		case <-wrote:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close writes the commits not yet in the file, stops the writer and
// returns the last write's error. Commits made after Close are not written.
// A second Close returns ErrClosed.
func (f *File) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return ErrClosed
	}
	f.closed = true
	f.mu.Unlock()
	close(f.stop)
	<-f.done
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return fmt.Errorf("datafile: %s: %w", f.path, f.err)
	}
	return nil
}

// Save writes the store's current state to path, atomically (see Open).
// schema nil means lbmodel.Describe(s).
func Save(ctx context.Context, s *memstore.Store, schema *lbmodel.Schema, path string) error {
	data, err := Marshal(ctx, s, schema)
	if err != nil {
		return err
	}
	return writeAtomic(path, data)
}

// writeAtomic replaces the file at path by data: a temporary file in the
// same directory, written and fsynced, renamed over path, and the directory
// fsynced so that the rename itself is durable.
func writeAtomic(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// removeTemps removes the temporary files a crash left beside path.
func removeTemps(path string) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, "."+base+".") && strings.HasSuffix(n, ".tmp") {
			os.Remove(filepath.Join(dir, n))
		}
	}
}
