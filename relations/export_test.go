package relations

// Test seams for package relations_test. They read unexported state only;
// nothing here changes how the package behaves.

// Lookups returns how many owner lookups b has made in the store (the
// unexported counter the N+1 tests read).
func Lookups[S, T any](b *BelongsTo[S, T]) int64 { return b.lookups.Load() }

// PendingFuture returns a Future that is not complete and the function that
// completes it, so that tests can control when a result arrives.
func PendingFuture[T any]() (*Future[T], func(val T, ok bool, err error)) {
	f := &Future[T]{done: make(chan struct{})}
	return f, f.complete
}
