package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// TestAppendLinkedMany: the links of many owners in one walk of the index
// equal those of one AppendLinked per owner, for dense and sparse sets of
// owners (the walk seeks again past a run of other owners' links), owners
// without links and owners not stored. The test prints its seed.
func TestAppendLinkedMany(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	s, err := memstore.New(memstore.Config{Models: kindModels()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const docs, pats = 300, 50
	mustUpdate(t, s, func(tx *memstore.Tx) error {
		for range pats {
			if err := tx.Insert(&Patient{}); err != nil {
				return err
			}
		}
		for d := int64(1); d <= docs; d++ {
			if err := tx.Insert(&Physician{}); err != nil {
				return err
			}
			for _, p := range rng.Perm(pats)[:rng.IntN(4)] {
				if err := tx.Insert(&Appointment{PhysicianID: d, PatientID: int64(p + 1)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	toOwner, toFar, err := relcore.ThroughOf[Physician, Patient, Appointment](s, "patients")
	if err != nil {
		t.Fatal(err)
	}
	key := func(id int64) []byte {
		k, _, _ := toOwner.AppendKey(nil, &Physician{ID: id})
		return k
	}
	for n, density := range []int{1, 2, 40, 300} { // every owner, every other, sparse, one
		var ids []int64
		for id := int64(1); id <= docs+5; id += int64(density) {
			ids = append(ids, id) // the last few are not stored
		}
		t.Run(fmt.Sprint("every ", density), func(t *testing.T) {
			keys := make([][]byte, len(ids))
			for i, id := range ids {
				keys[i] = key(id)
			}
			mustView(t, s, func(tx *memstore.Tx) error {
				spans := make([][2]int32, len(keys))
				arena, ends, err := relcore.AppendLinkedMany(tx, toOwner, toFar, keys, nil, nil, spans)
				if err != nil {
					return err
				}
				for i, k := range keys {
					a1, e1, err := relcore.AppendLinked(tx, toOwner, toFar, k, nil, nil)
					if err != nil {
						return err
					}
					var want, got []string
					start := int32(0)
					for _, e := range e1 {
						want = append(want, string(a1[start:e]))
						start = e
					}
					for e := spans[i][0]; e < spans[i][1]; e++ {
						lo := int32(0)
						if e > 0 {
							lo = ends[e-1]
						}
						got = append(got, string(arena[lo:ends[e]]))
					}
					if !slices.Equal(want, got) {
						t.Fatalf("case %d, owner %d: walk %q, one by one %q", n, ids[i], got, want)
					}
				}
				return nil
			})
		})
	}
	mustView(t, s, func(tx *memstore.Tx) error {
		_, _, err := relcore.AppendLinkedMany(tx, toOwner, toFar, [][]byte{key(2), key(1)}, nil, nil, make([][2]int32, 2))
		if err == nil {
			t.Error("AppendLinkedMany of keys out of order = nil, want ErrInvalid")
		}
		return nil
	})
}

// TestRelationPrimitivesRefuseAnotherStore: the through and include
// primitives refuse a transaction of another store with ErrInvalid.
func TestRelationPrimitivesRefuseAnotherStore(t *testing.T) {
	a, err := memstore.New(memstore.Config{Models: kindModels()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := memstore.New(memstore.Config{Models: kindModels()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	toOwner, toFar, err := relcore.ThroughOf[Physician, Patient, Appointment](a, "patients")
	if err != nil {
		t.Fatal(err)
	}
	k, _, _ := toOwner.AppendKey(nil, &Physician{ID: 1})
	mustView(t, b, func(tx *memstore.Tx) error {
		if _, _, err := relcore.AppendLinked(tx, toOwner, toFar, k, nil, nil); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("AppendLinked in another store's View = %v, want ErrInvalid", err)
		}
		if _, _, err := relcore.AppendLinkedMany(tx, toOwner, toFar, [][]byte{k}, nil, nil, make([][2]int32, 1)); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("AppendLinkedMany in another store's View = %v, want ErrInvalid", err)
		}
		return nil
	})
	poly, err := relcore.PolymorphicOf[Picture](a, "imageable")
	if err != nil {
		t.Fatal(err)
	}
	mustView(t, b, func(tx *memstore.Tx) error {
		if _, err := poly.Owner(tx, "Patient", k); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("Poly.Owner in another store's View = %v, want ErrInvalid", err)
		}
		if _, err := tx.Related("Physician", "nurses", []Physician{{ID: 1}}); !errors.Is(err, memstore.ErrInvalid) || !strings.Contains(err.Error(), "patients, appointments") {
			t.Errorf("Related of an unknown relation = %v, want ErrInvalid listing the relations", err)
		}
		return nil
	})
	err = b.Update(context.Background(), func(tx *memstore.Tx) error {
		one := int64(1)
		src := Picture{ID: 1, ImageableID: &one, ImageableType: "Patient"}
		if err := poly.SetFK(tx, &src, "Patient", k); !errors.Is(err, memstore.ErrInvalid) {
			t.Errorf("Poly.SetFK in another store's Update = %v, want ErrInvalid", err)
		}
		return nil
	})
	if !errors.Is(err, memstore.ErrInvalid) {
		t.Errorf("the Update after a refused write = %v, want the refusal (the transaction aborted)", err)
	}
}
