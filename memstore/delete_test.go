package memstore_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relstore/relstore/memstore"
)

// A seat holds at most one account (a unique, nullable foreign key that
// deleting the account clears); badges and mentors reference a seat through
// that key (keyTo=AcctID).
type (
	Acct struct {
		ID int64
	}
	Seat struct {
		ID           int64
		AcctID       *int64 `relstore:"unique,belongsTo=Acct,onDelete=setNull"`
		MentorAcctID *int64 `relstore:"belongsTo=Seat,as=mentor,keyTo=AcctID,onDelete=setNull"`
	}
	SeatBadge struct {
		ID         int64
		SeatAcctID int64  `relstore:"belongsTo=Seat,keyTo=AcctID"`
		OwnerID    *int64 `relstore:"belongsTo=Acct,as=owner,onDelete=cascade"`
	}
)

// TestSetNullOfAReferencedKey: a delete whose setNull clears a unique key
// that rows reference (keyTo) changes a referenced key, which is refused as
// an update of it is (PostgreSQL: the SET NULL is an UPDATE of the seat,
// and the badge's foreign key, ON UPDATE NO ACTION, refuses it). A row the
// same delete removes does not block it.
func TestSetNullOfAReferencedKey(t *testing.T) {
	refused := func(referrer string, key int64, relation, field string) *memstore.ForeignKeyError {
		return &memstore.ForeignKeyError{Op: "delete", Model: "Acct", Key: int64(1), Relation: relation,
			Field: field, Value: int64(1), Target: "Seat", Referrer: referrer, ReferrerKey: key}
	}
	tests := []struct {
		name string
		rows []any
		want *memstore.ForeignKeyError // nil: the delete succeeds
	}{
		{"a badge references the cleared key",
			[]any{Seat{ID: 10, AcctID: ptr[int64](1)}, SeatBadge{ID: 100, SeatAcctID: 1}},
			refused("SeatBadge", 100, "seat", "SeatAcctID")},
		{"a setNull reference to the cleared key",
			[]any{Seat{ID: 10, AcctID: ptr[int64](1)}, Seat{ID: 11, MentorAcctID: ptr[int64](1)}},
			refused("Seat", 11, "mentor", "MentorAcctID")},
		{"the row references its own cleared key",
			[]any{Seat{ID: 10, AcctID: ptr[int64](1), MentorAcctID: ptr[int64](1)}},
			refused("Seat", 10, "mentor", "MentorAcctID")},
		{"the badge is deleted by the same delete",
			[]any{Seat{ID: 10, AcctID: ptr[int64](1)}, SeatBadge{ID: 100, SeatAcctID: 1, OwnerID: ptr[int64](1)}},
			nil},
		{"nobody references the cleared key",
			[]any{Seat{ID: 10, AcctID: ptr[int64](1)}, Seat{ID: 11, AcctID: ptr[int64](2)}, SeatBadge{ID: 100, SeatAcctID: 2}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := memstore.New(memstore.Config{Models: []memstore.Model{
				memstore.ModelOf[Acct](), memstore.ModelOf[Seat](), memstore.ModelOf[SeatBadge](),
			}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			mustUpdate(t, s, func(tx *memstore.Tx) error {
				// Seats first without their mentors, which reference seats.
				if err := tx.Insert(Acct{ID: 1}); err != nil {
					return err
				}
				if err := tx.Insert(Acct{ID: 2}); err != nil {
					return err
				}
				for _, r := range tt.rows {
					if st, ok := r.(Seat); ok {
						st.MentorAcctID = nil
						if err := tx.Insert(st); err != nil {
							return err
						}
					}
				}
				for _, r := range tt.rows {
					var err error
					if _, ok := r.(Seat); ok {
						err = tx.Update(r)
					} else {
						err = tx.Insert(r)
					}
					if err != nil {
						return err
					}
				}
				return nil
			})
			before := mustDump(t, s)
			err = s.Update(context.Background(), func(tx *memstore.Tx) error { return tx.Delete(Acct{ID: 1}) })
			mustView(t, s, func(tx *memstore.Tx) error {
				if err := tx.CheckIntegrity(); err != nil {
					t.Errorf("CheckIntegrity after the delete: %v", err)
				}
				return nil
			})
			if tt.want != nil {
				wantForeignKeyError(t, "Delete(Acct 1)", err, tt.want)
				if diff := cmp.Diff(before, mustDump(t, s)); diff != "" {
					t.Errorf("refused delete changed the store (-want +got):\n%s", diff)
				}
			} else if err != nil {
				t.Fatalf("Delete(Acct 1) = %v, want nil", err)
			} else {
				d := mustDump(t, s)
				if diff := cmp.Diff([]any{Acct{ID: 2}}, d["Acct"]); diff != "" {
					t.Errorf("accounts after the delete (-want +got):\n%s", diff)
				}
				for _, b := range d["SeatBadge"] {
					if b := b.(SeatBadge); b.SeatAcctID == 1 {
						t.Errorf("badge %+v of account 1 survived the delete", b)
					}
				}
				if st := d["Seat"][0].(Seat); st.ID != 10 || st.AcctID != nil {
					t.Errorf("seat after the delete = %+v, want seat 10 with a nil AcctID", st)
				}
			}
		})
	}
}

// mustDump returns every row of s.
func mustDump(t testing.TB, s *memstore.Store) memstore.Dump {
	t.Helper()
	var d memstore.Dump
	mustView(t, s, func(tx *memstore.Tx) error {
		var err error
		d, err = tx.Dump()
		return err
	})
	return d
}
