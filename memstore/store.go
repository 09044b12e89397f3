package memstore

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math/bits"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"

	memdb "github.com/hashicorp/go-memdb"
)

// Config configures a Store. The zero value of each field is its default.
type Config struct {
	// Models lists the models the store holds, each made by ModelOf.
	// Relations may reference any listed model, in any order.
	Models []Model

	// Cache, if not nil, is told about every commit and Restore so that it
	// can stay coherent with the store. Package cache's *Cache implements it;
	// package relations finds it here. Nil means no owner cache.
	Cache Invalidator
}

// Invalidator is what the store tells a cache about its writes. The store
// calls these methods while it holds its writer lock, so they are never
// called concurrently with each other; they must not call back into the store.
//
// keys are the KeyHash of every primary key and unique field value that the
// commit deletes, inserts or changes, before and after (duplicates possible).
// That is all a coherent cache of owners needs; package cache's *Cache is
// one. A transaction that rolls back tells the cache nothing.
type Invalidator interface {
	// BeginCommit is called before a commit becomes visible to readers.
	BeginCommit(keys []uint64)
	// EndCommit is called after it became visible, with the same keys.
	EndCommit(keys []uint64)
	// BeginReset is called before Restore replaces the whole store.
	BeginReset()
	// EndReset is called after Restore replaced the whole store.
	EndReset()
}

// Store is an in-memory, relation-aware data store. It is safe for
// concurrent use: writers (Update, Restore) are serialised, readers (View,
// Snapshot) never block and never wait for writers.
//
// Writers are serialised by one writer lock; Update and Restore wait for it
// and honour their context while they wait. Each commit and Restore
// publishes the new state with one atomic store: that is the instant the
// commit takes effect for every reader. Readers (View, Snapshot,
// Snapshot.View, the accessors of package relations) load the published
// state and never wait. A Tx ends with its function: using it afterwards
// returns ErrTxDone, writing in a View returns ErrReadOnly, and calling
// Update, Restore or Close from inside an Update function returns ErrNested
// instead of deadlocking. Snapshot is O(1) and Restore swaps the whole
// store in O(1), atomically.
//
// go-memdb leaves an index half-written when an Insert fails midway; the
// store checks every rule before it writes and aborts the whole go-memdb
// transaction on any error, so a failed write never becomes visible.
type Store struct {
	schema *schema
	// db is the writer's database: only Update and Restore, holding the
	// writer lock, use it. Readers use cur.
	db atomic.Pointer[memdb.MemDB]
	// cur is the committed state readers see, published by the writer after
	// every commit and restore. Every read (View, Snapshot, the *Now
	// primitives) starts from it, so a commit takes effect for all readers
	// at once, when it is published.
	cur   atomic.Pointer[state]
	cache Invalidator
	seed  maphash.Seed
	seed2 [2]uint64 // KeyHash's seeds for short keys, derived from seed

	// writer is the write lock, a 1-slot semaphore so that waiting for it
	// can honour a context. go-memdb's own writer mutex is taken only by the
	// holder of this one, so it never blocks.
	writer chan struct{}
	done   chan struct{} // closed by Close
	closed atomic.Bool

	closeOnce sync.Once

	// spare holds write transactions' buffers between transactions; only
	// the writer lock's holder touches it.
	spare writeBufs
	// maxKeys, by model id, bound the primary keys of the writer's
	// database: no row has a larger one (see Tx.aboveMax). Only the writer
	// lock's holder touches them.
	maxKeys []maxKey

	// watch counts published states and wakes Watch's callers (watch.go).
	watch watcher

	// fault, when set by a test (export_test.go), is called before every
	// step of a write that can fail; a non-nil error fails that step. See
	// Tx.step.
	fault func(step string) error
}

// New validates the models and opens an empty store. Every schema problem is
// reported as a *SchemaError matching ErrSchema.
func New(cfg Config) (*Store, error) {
	sch, err := compileSchema(cfg.Models)
	if err != nil {
		return nil, err
	}
	db, err := memdb.NewMemDB(sch.dbSchema())
	if err != nil {
		return nil, fmt.Errorf("memstore: open: %w", err)
	}
	s := &Store{
		schema: sch,
		cache:  cfg.Cache,
		seed:   maphash.MakeSeed(),
		writer: make(chan struct{}, 1),
		done:   make(chan struct{}),
	}
	s.maxKeys = make([]maxKey, len(sch.models))
	for i := range s.maxKeys {
		s.maxKeys[i].known = true // empty: no key at all
	}
	s.seed2 = [2]uint64{maphash.Comparable(s.seed, 1), maphash.Comparable(s.seed, 2)}
	// A snapshot MemDB does not track mutations for watch channels, which the
	// store never uses: every write transaction is cheaper for it.
	s.db.Store(db.Snapshot())
	s.publish(make([]seqRow, len(sch.models)))
	return s, nil
}

// state is a committed state of the store as readers see it: a frozen
// go-memdb database that is never written, and one read transaction on it
// that every reader shares. A go-memdb read transaction only ever reads its
// fields, so it is safe for concurrent use; sharing it saves every read the
// two allocations of opening one. seqs are its auto-key counters, by model
// id, never written (see seqRow).
type state struct {
	db   *memdb.MemDB
	read *memdb.Txn
	seqs []seqRow
}

// publish makes the writer's database, as it is now, with the auto-key
// counters seqs, the state readers see. It is called with the writer lock
// held (or before the store is shared).
func (s *Store) publish(seqs []seqRow) {
	f := s.db.Load().Snapshot()
	s.cur.Store(&state{db: f, read: f.Txn(false), seqs: seqs})
	s.watch.notify()
}

// Update runs fn in a write transaction and commits what it wrote when it
// returns nil. Writers are serialised: Update waits for the writer lock, and
// gives up with ctx's error if ctx is done first.
//
// If fn returns an error or panics, or any operation inside it failed (the
// transaction is then aborted, as in PostgreSQL), nothing is written: no row,
// no index entry, no cache change. Update returns fn's error as is, or the
// first failed operation's error; a panic is re-raised after the rollback.
// Calling Update from inside fn returns ErrNested instead of deadlocking.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) error {
	if fn == nil {
		return invalidf("update: nil function")
	}
	if err := s.lock(ctx, "update"); err != nil {
		return err
	}
	defer s.unlock()
	return s.runUpdate(ctx, fn)
}

// runUpdate runs fn holding the writer lock. Its frame on the stack is how
// lock recognises a nested call (see isNested).
//
//go:noinline
func (s *Store) runUpdate(ctx context.Context, fn func(tx *Tx) error) (err error) {
	tx := &Tx{s: s, ctx: ctx, write: true, hashes: s.spare.hashes, seqBase: s.cur.Load().seqs}
	committed := false
	defer func() {
		tx.close() // after a panic of fn
		if !committed && tx.txn != nil {
			tx.txn.Abort()
		}
		s.spare.release(tx)
	}()
	err = fn(tx)
	// From here on no call of tx runs, on any goroutine.
	if st := tx.close(); err != nil {
		return err
	} else if st&txMisused != 0 {
		return errConcurrent("update")
	}
	if tx.err != nil {
		return tx.err
	}
	if err := ctx.Err(); err != nil {
		return opErr("update", err)
	}
	seqs := tx.seqBase
	if tx.seqNew != nil {
		seqs = tx.seqNew
	} else if tx.txn == nil {
		return nil // nothing written
	}
	if s.cache != nil && len(tx.hashes) > 0 {
		s.cache.BeginCommit(tx.hashes)
		tx.txn.Commit()
		s.publish(seqs)
		s.cache.EndCommit(tx.hashes)
	} else {
		if tx.txn != nil { // nil: only a counter moved (RaiseAutoKey)
			tx.txn.Commit()
		}
		s.publish(seqs)
	}
	committed = true
	return nil
}

// View runs fn in a read transaction over a consistent snapshot of the
// store. It never blocks writers and is not blocked by them. Writes inside
// fn fail with ErrReadOnly.
func (s *Store) View(ctx context.Context, fn func(tx *Tx) error) error {
	if fn == nil {
		return invalidf("view: nil function")
	}
	if ctx == nil {
		return invalidf("view: nil context")
	}
	if err := ctx.Err(); err != nil {
		return opErr("view", err)
	}
	if s.closed.Load() {
		return ErrClosed
	}
	cur := s.cur.Load()
	return s.view(ctx, cur.read, cur.seqs, fn)
}

func (s *Store) view(ctx context.Context, read *memdb.Txn, seqs []seqRow, fn func(tx *Tx) error) error {
	tx := &Tx{s: s, ctx: ctx, txn: read, seqBase: seqs}
	defer tx.close()
	return fn(tx)
}

// Snapshot is a read-only, point-in-time copy of a whole store, taken in
// O(1). It can be read with View and put back with Store.Restore, any
// number of times. It is safe for concurrent use.
//
// A Snapshot shares the store's memory and keeps every row it holds alive:
// rows deleted or replaced since it was taken stay in memory until the
// Snapshot (and every sequence read from it) is unreachable.
type Snapshot struct {
	s    *Store
	db   *memdb.MemDB // frozen, never written
	read *memdb.Txn   // shared by every View of the snapshot
	seqs []seqRow     // its auto-key counters, never written
}

// Snapshot returns the store's current state in O(1): go-memdb's trees are
// immutable, so the snapshot shares them.
func (s *Store) Snapshot() (*Snapshot, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	cur := s.cur.Load()
	return &Snapshot{s: s, db: cur.db, read: cur.read, seqs: cur.seqs}, nil
}

// View runs fn in a read transaction over the snapshot.
func (sn *Snapshot) View(ctx context.Context, fn func(tx *Tx) error) error {
	if sn == nil || sn.db == nil {
		return invalidf("view: nil snapshot")
	}
	if fn == nil {
		return invalidf("view: nil function")
	}
	if ctx == nil {
		return invalidf("view: nil context")
	}
	if err := ctx.Err(); err != nil {
		return opErr("view", err)
	}
	return sn.s.view(ctx, sn.read, sn.seqs, fn)
}

// Restore makes snap the store's current state, atomically and in O(1):
// readers see either the state before or the snapshot, never a mix. It waits
// for the writer lock like Update, and tells the Cache to drop everything.
// The snapshot stays valid and can be restored again.
func (s *Store) Restore(ctx context.Context, snap *Snapshot) error {
	if snap == nil || snap.db == nil {
		return invalidf("restore: nil snapshot")
	}
	if snap.s != s {
		return invalidf("restore: snapshot of another store")
	}
	if err := s.lock(ctx, "restore"); err != nil {
		return err
	}
	defer s.unlock()
	if s.cache != nil {
		s.cache.BeginReset()
		defer s.cache.EndReset()
	}
	s.db.Store(snap.db.Snapshot())
	s.publish(snap.seqs)
	clear(s.maxKeys) // tightened: rebuilt from the restored state (see Tx.aboveMax)
	return nil
}

// Close waits for the running Update, if any, then closes the store: every
// later call returns ErrClosed, and callers waiting for the writer lock
// return ErrClosed too. Transactions already running finish normally. A
// second Close returns ErrClosed.
func (s *Store) Close() error {
	if len(s.writer) == 1 && isNested() {
		// Checked before the Once: a refused Close must not use it up.
		return opErr("close", ErrNested)
	}
	err := ErrClosed
	s.closeOnce.Do(func() {
		// Mark closed first, so that writers already waiting for the lock
		// give up (ErrClosed) instead of running, then wait for the
		// running writer by taking the lock for good.
		s.closed.Store(true)
		close(s.done)
		s.writer <- struct{}{}
		err = nil
	})
	return err
}

// lock takes the writer lock, honouring ctx.
func (s *Store) lock(ctx context.Context, op string) error {
	if ctx == nil {
		return invalidf("%s: nil context", op)
	}
	if err := ctx.Err(); err != nil {
		return opErr(op, err)
	}
	if s.closed.Load() {
		return ErrClosed
	}
	select {
	case s.writer <- struct{}{}:
	default:
		// Contended: the holder might be this very goroutine.
		if isNested() {
			return opErr(op, ErrNested)
		}
		select {
		case s.writer <- struct{}{}:
		case <-ctx.Done():
			return opErr(op, ctx.Err())
		case <-s.done:
			return ErrClosed
		}
	}
	if s.closed.Load() {
		<-s.writer
		return ErrClosed
	}
	return nil
}

func (s *Store) unlock() { <-s.writer }

// runUpdatePC is the entry of runUpdate, to recognise its frames.
var runUpdatePC = reflect.ValueOf((*Store).runUpdate).Pointer()

// isNested reports whether the calling goroutine is running an Update
// function. It is called only when the writer lock is busy, and it walks the
// stack (a few microseconds), so the uncontended path pays nothing. Go has no
// goroutine identity to compare with the lock's holder; the frame is the
// evidence. A function running in an Update of one Store that waits for
// another Store's busy writer lock also gets ErrNested: holding one store's
// lock while waiting for another's is the lock-ordering hazard that
// deadlocks, and the store refuses it rather than risk it.
//
// The walk covers the whole stack, however deep: a guard that read a fixed
// number of frames let a call made from deeper wait for its own lock
// forever. The first 64 frames are read into an array on the stack; a
// deeper stack is read again into a buffer twice as large until it fits
// (linear in the depth; on the contended path only).
func isNested() bool {
	var small [64]uintptr
	pcs := small[:]
	n := runtime.Callers(3, pcs)
	for n == len(pcs) {
		pcs = make([]uintptr, 2*len(pcs))
		n = runtime.Callers(3, pcs)
	}
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if f.Entry == runUpdatePC {
			return true
		}
		if !more {
			return false
		}
	}
}

// KeyHash returns the hash the store gives an Invalidator for the key k
// (an encoded index key) of the index space. Package relations uses it to
// address the cache; it is stable for the life of the Store.
func (s *Store) KeyHash(space uint32, k []byte) uint64 {
	// Both paths are seeded per store. A key of up to 16 bytes (every
	// integer and [16]byte key) is read as two words that together cover
	// every byte, and folded by one 64x64->128-bit multiply (wyhash's
	// mum), about ten times cheaper than maphash.Bytes on such keys. The
	// space is then mixed in with a multiply-xorshift so that keys of
	// different spaces spread over the cache's stripes (its low bits)
	// independently.
	var h uint64
	if n := len(k); n <= 16 {
		var a, b uint64
		switch {
		case n >= 8:
			a, b = binary.LittleEndian.Uint64(k), binary.LittleEndian.Uint64(k[n-8:])
		case n >= 4:
			a, b = uint64(binary.LittleEndian.Uint32(k)), uint64(binary.LittleEndian.Uint32(k[n-4:]))
		case n > 0:
			a = uint64(k[0])<<16 | uint64(k[n>>1])<<8 | uint64(k[n-1])
		}
		h = s.hashWords(a, b, n)
	} else {
		h = maphash.Bytes(s.seed, k)
	}
	return inSpace(h, space)
}

// hashWords is KeyHash's hash of a key of n <= 16 bytes read as the words
// a and b.
func (s *Store) hashWords(a, b uint64, n int) uint64 {
	hi, lo := bits.Mul64(a^s.seed2[0], b^s.seed2[1]^uint64(n))
	return hi ^ lo
}

// inSpace mixes the index space into a key's hash (see KeyHash).
func inSpace(h uint64, space uint32) uint64 {
	h ^= (uint64(space) + 1) * 0x9E3779B97F4A7C15
	h ^= h >> 32
	h *= 0xD6E8FEB86659FD93
	return h ^ h>>32
}

// space identifies a model's index in cache keys and hashes.
func space(m *model, c *column) uint32 { return uint32(m.id)<<8 | uint32(c.slot) }

// Cache returns the Config.Cache the store was opened with, or nil.
func (s *Store) Cache() Invalidator { return s.cache }
