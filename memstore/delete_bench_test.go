package memstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/relstore/relstore/memstore"
)

// BenchmarkDelete deletes a region of the integrity models in an Update
// that then rolls back, so every iteration deletes the same rows: region 1
// cascades to branches 10 and 11 and desks 100, 101 and 110, and the
// restrict relations (Audit.region, Badge.desk) are checked. Refused: an
// audit of region 1 refuses it at its first check; deep: a badge on desk
// 110 refuses it after both cascades.
func BenchmarkDelete(b *testing.B) {
	errUndo := errors.New("undo")
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		seed func(tx *memstore.Tx, is *integrityStore) error
		want error
	}{
		{"cascade", func(*memstore.Tx, *integrityStore) error { return nil }, errUndo},
		{"refused", func(tx *memstore.Tx, is *integrityStore) error {
			_, err := is.audits.Insert(tx, Audit{ID: 1, RegionID: 1, BranchID: 20})
			return err
		}, memstore.ErrForeignKey},
		{"refused deep", func(tx *memstore.Tx, is *integrityStore) error {
			_, err := is.badges.Insert(tx, Badge{ID: 1, DeskID: ptr[int64](110)})
			return err
		}, memstore.ErrForeignKey},
	} {
		b.Run(bc.name, func(b *testing.B) {
			is := newIntegrityStore(b)
			is.seedTree(b)
			mustUpdate(b, is.Store, func(tx *memstore.Tx) error { return bc.seed(tx, is) })
			b.ReportAllocs()
			for b.Loop() {
				err := is.Update(ctx, func(tx *memstore.Tx) error {
					if err := is.regions.Delete(tx, 1); err != nil {
						return err
					}
					return errUndo
				})
				if !errors.Is(err, bc.want) {
					b.Fatalf("delete: %v, want %v", err, bc.want)
				}
			}
		})
	}
}
