package memstore_test

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/relstore/relstore/internal/relcore"
	"github.com/relstore/relstore/memstore"
)

// newBenchStore opens a store of the test models holding 1,000 customers,
// and the customer relation of Order.
func newBenchStore(b *testing.B) (*testStore, *relcore.Rel[Order, Customer]) {
	b.Helper()
	ts := newTestStore(b)
	mustUpdate(b, ts.Store, func(tx *memstore.Tx) error {
		for i := range 1000 {
			if _, err := ts.customers.Insert(tx, Customer{Email: string(rune('a'+i%26)) + string(binary.BigEndian.AppendUint32(nil, uint32(i)))}); err != nil {
				return err
			}
		}
		return nil
	})
	return ts, must(relcore.RelationOf[Order, Customer](ts.Store, "customer"))(b)
}

// benchKey puts the encoded key of customer i%1000+1 in buf (an int64
// key: the sign bit flipped, big-endian).
func benchKey(buf *[8]byte, i int) []byte {
	binary.BigEndian.PutUint64(buf[:], uint64(i%1000+1)^1<<63)
	return buf[:]
}

// BenchmarkInsertOne is a one-row insert: one Update with one Table.Insert
// of an order whose foreign key is checked.
func BenchmarkInsertOne(b *testing.B) {
	ts, _ := newBenchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		err := ts.Update(ctx, func(tx *memstore.Tx) error {
			_, err := ts.orders.Insert(tx, Order{CustomerID: int64(i%1000 + 1)})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkOwner reads one owner by its encoded key: without a transaction
// (OwnerNow, what package relations' Get does on a miss), and through the
// Tx of a View and of an Update (many reads per transaction).
func BenchmarkOwner(b *testing.B) {
	ts, rel := newBenchStore(b)
	ctx := context.Background()
	b.Run("OwnerNow", func(b *testing.B) {
		b.ReportAllocs()
		var buf [8]byte
		i := 0
		for b.Loop() {
			if _, err := rel.OwnerNow(ctx, benchKey(&buf, i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	for _, how := range []string{"View", "Update"} {
		b.Run(how, func(b *testing.B) {
			b.ReportAllocs()
			run := ts.View
			if how == "Update" {
				run = ts.Update
			}
			err := run(ctx, func(tx *memstore.Tx) error {
				var buf [8]byte
				i := 0
				for b.Loop() {
					if _, err := rel.Owner(tx, benchKey(&buf, i)); err != nil {
						return err
					}
					i++
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		})
	}
}
