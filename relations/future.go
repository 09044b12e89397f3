package relations

import (
	"context"
	"errors"

	"github.com/relstore/relstore/memstore"
)

// Future is the result of a Fetch, delivered once. The result is kept in the
// Future (the delivery is buffered), so the goroutine computing it never
// blocks on a reader, and a Future nobody waits for is simply garbage
// collected. A Future is safe for concurrent use: any number of goroutines
// may wait for it.
type Future[T any] struct {
	done chan struct{}
	val  T
	ok   bool
	err  error
}

func (f *Future[T]) complete(val T, ok bool, err error) {
	f.val, f.ok, f.err = val, ok, err
	close(f.done)
}

// Done returns a channel that is closed when the result is ready, for use in
// a select.
func (f *Future[T]) Done() <-chan struct{} { return f.done }

// Wait waits for the result, or for ctx to be done, whichever comes first.
// The result is what Get returns: the owner, whether there is one, and an
// error. If ctx ends first, Wait returns ctx's error and the result stays
// available to a later Wait.
func (f *Future[T]) Wait(ctx context.Context) (T, bool, error) {
	var zero T
	if ctx == nil {
		return zero, false, errors.Join(memstore.ErrInvalid, errors.New("relations: wait: nil context"))
	}
	select {
	case <-f.done:
		return f.val, f.ok, f.err
	default:
	}
	select {
	case <-f.done:
		return f.val, f.ok, f.err
	case <-ctx.Done():
		return zero, false, ctx.Err()
	}
}
