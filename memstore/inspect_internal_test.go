package memstore

import (
	"context"
	"errors"
	"strings"
	"testing"
)

type icCustomer struct {
	ID    int64
	Email string `relstore:"unique"`
}

type icOrder struct {
	ID         int64
	CustomerID int64 `relstore:"belongsTo=icCustomer,as=customer"`
}

// TestCheckIntegrityFindsCorruption corrupts stored rows behind the store's
// back and checks that CheckIntegrity reports each corruption: it can fail.
func TestCheckIntegrityFindsCorruption(t *testing.T) {
	for _, tc := range []struct {
		name    string
		corrupt func(s *Store, tx *Tx)
		want    string
	}{
		{"a key field changed in place", func(s *Store, tx *Tx) {
			rec := tx.lookup(s.schema.byName["icCustomer"], s.schema.byName["icCustomer"].pk, s.schema.byName["icCustomer"].pk.codec.appendInt(nil, 1))
			(*icCustomer)(rec.ptr).Email = "changed@x"
		}, "index Email key differs"},
		{"a dangling foreign key", func(s *Store, tx *Tx) {
			m := s.schema.byName["icOrder"]
			rec := tx.lookup(m, m.pk, m.pk.codec.appendInt(nil, 1))
			(*icOrder)(rec.ptr).CustomerID = 9
			fresh, _ := m.newRecord(rec.ptr, nil) // keys that agree with the changed field
			copy(rec.keyBytes(), fresh.keyBytes())
			rec.settle()
		}, "references no icCustomer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(Config{Models: []Model{ModelOf[icCustomer](), ModelOf[icOrder]()}})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			err = s.Update(ctx, func(tx *Tx) error {
				if err := tx.Insert(icCustomer{ID: 1, Email: "a@x"}); err != nil {
					return err
				}
				return tx.Insert(icOrder{ID: 1, CustomerID: 1})
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.View(ctx, func(tx *Tx) error { return tx.CheckIntegrity() }); err != nil {
				t.Fatalf("CheckIntegrity before corruption: %v", err)
			}
			err = s.View(ctx, func(tx *Tx) error {
				tc.corrupt(s, tx)
				return tx.CheckIntegrity()
			})
			if !errors.Is(err, ErrIntegrity) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("CheckIntegrity after corruption = %v, want ErrIntegrity mentioning %q", err, tc.want)
			}
		})
	}
}
