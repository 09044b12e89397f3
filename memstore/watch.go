package memstore

import "sync/atomic"

// watcher tells waiters about commits (see Store.Watch). The writer calls
// notify for every state it publishes; with no waiter that costs an atomic
// add and an atomic load.
type watcher struct {
	n    atomic.Uint64                 // states published since New
	next atomic.Pointer[chan struct{}] // closed at the next publish; nil until someone waits
}

// notify counts a published state and wakes the waiters. Only the writer
// (holding the writer lock) calls it, after the state is visible.
func (w *watcher) notify() {
	w.n.Add(1)
	if w.next.Load() != nil {
		if p := w.next.Swap(nil); p != nil {
			close(*p)
		}
	}
}

// Watch returns a count that grows by one with every commit and restore
// that becomes visible to readers, and a channel that is closed when the
// next one does (it may also be closed by one that became visible during
// the call). A commit that wrote nothing counts for nothing. It is how a program follows
// the store without being told about each write: package datafile saves
// the store to its file after commits, coalescing the ones that happen
// while it writes. The usual loop reads the channel first, then the state:
//
//	for {
//		n, next := s.Watch()
//		... read a Snapshot: it holds at least the first n commits ...
//		<-next
//	}
//
// Watch is safe for concurrent use and works after Close (no commit comes).
func (s *Store) Watch() (n uint64, next <-chan struct{}) {
	w := &s.watch
	for {
		if p := w.next.Load(); p != nil {
			return w.n.Load(), *p
		}
		ch := make(chan struct{})
		if w.next.CompareAndSwap(nil, &ch) {
			// n is read after ch is installed: a commit counted after this
			// read closes ch (or one installed later that the caller would
			// not be waiting on, only if a later commit took ch first, which
			// closed it).
			return w.n.Load(), ch
		}
	}
}
