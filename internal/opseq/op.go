package opseq

import (
	"fmt"
	"reflect"
	"strings"
)

// Kind is what an operation does.
type Kind uint8

// The kinds of operation. Each top-level operation except Snapshot runs in
// its own Update or View (or accessor call) with a context that Op.Cancel
// may cancel beforehand.
const (
	OpInsert   Kind = iota // insert Row (Via: Table.Insert, Tx.Insert(v), Tx.Insert(&v))
	OpUpdate               // update Row (Via: Table.Update, Tx.Update, Table.UpdateKey)
	OpUpsert               // Table.Upsert(Row)
	OpDelete               // delete Model's row Key (Via: Table.Delete, Tx.Delete(v), Tx.Delete(&v))
	OpSet                  // BelongsTo.Set: point Key's row at the owner whose KeyTo is FK, or clear it (FK nil)
	OpMove                 // update Key's row with only relation Rel's foreign key changed to FK
	OpGet                  // Key's row's owner (Via: BelongsTo.Get, Fetch+Wait, ByKey); FK for a stand-in source
	OpInclude              // BelongsTo.Include over every source row, plus a stand-in with FK if Dangling
	OpView                 // View: Table.Get(Key), or a write (Write) that must fail with ErrReadOnly
	OpTx                   // one Update running Sub, then ending as End says
	OpSnapshot             // Store.Snapshot, kept for a later Restore
	OpRestore              // Store.Restore(snapshot Index mod count); nil when Index < 0 or none taken
	OpBad                  // a bad input (see Bad)
	// OpConcurrent runs each Sub (an insert, update, upsert or delete) in
	// its own Update on its own goroutine, all at once, while a reader
	// fetches owners through every relation; Order records the order the
	// writers ran in, and the reference model replays them in that order.
	OpConcurrent
	numKinds
)

var kindNames = [numKinds]string{"insert", "update", "upsert", "delete", "set", "move", "get",
	"include", "view", "tx", "snapshot", "restore", "bad", "concurrent"}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Via picks one of the equivalent APIs of an operation (see Kind).
type Via uint8

// End is how the function of an OpTx ends after running its Sub.
type End uint8

// The ends of a transaction function.
const (
	EndCommit End = iota // return nil: commit, unless a Sub failed
	EndError             // return ErrUser after writing: nothing is written
	EndPanic             // panic after writing: nothing is written, the panic propagates
	EndCancel            // cancel the Update's context, then return nil
	numEnds
)

var endNames = [numEnds]string{"commit", "return error", "panic", "cancel"}

func (e End) String() string {
	if e < numEnds {
		return endNames[e]
	}
	return fmt.Sprintf("End(%d)", uint8(e))
}

// Bad is a bad input, which the store must refuse with an error, never a
// panic, and without changing anything.
type Bad uint8

// The bad inputs.
const (
	BadInsertNil          Bad = iota // Tx.Insert(nil)
	BadInsertTypedNil                // Tx.Insert((*Order)(nil))
	BadInsertUnregistered            // Tx.Insert(Unregistered{}): a type that is no model
	BadUpdateUnregistered            // Tx.Update(&Unregistered{})
	BadDeleteNil                     // Tx.Delete(nil)
	BadSetNilSource                  // BelongsTo.Set(ctx, nil, owner)
	BadNilFunc                       // Store.Update(ctx, nil)
	BadNilContext                    // Store.Update(nil, fn)
	BadTableKeyType                  // memstore.TableOf[Order, string]: the wrong key type
	BadNested                        // Store.Update inside an Update function: ErrNested
	numBads
)

var badNames = [numBads]string{"insert nil", "insert typed nil", "insert unregistered", "update unregistered",
	"delete nil", "set nil source", "nil function", "nil context", "table key type", "nested update"}

func (b Bad) String() string {
	if b < numBads {
		return badNames[b]
	}
	return fmt.Sprintf("Bad(%d)", uint8(b))
}

// Op is one operation. Decode fills the fields its Kind uses; Model.Resolve
// fills Src, Owner, Srcs and, for OpMove, Row from the model's state, so that
// every backend runs exactly the same call.
type Op struct {
	Kind     Kind
	Via      Via
	Cancel   bool    // run with an already cancelled context
	Model    ModelID // OpDelete, OpView
	Row      any     // OpInsert, OpUpdate, OpUpsert: a row of one of the schema's models
	Key      any     // OpDelete, OpView: the key; OpSet, OpMove, OpGet: the source row's key; OpUpdate of a keyless model: the RowID
	Rel      Rel     // OpSet, OpMove, OpGet, OpInclude
	FK       any     // OpSet: the owner's KeyTo (nil: clear); OpMove: the new FK; OpGet, OpInclude: a stand-in's FK
	Write    bool    // OpView: attempt a write
	Dangling bool    // OpInclude: add a stand-in source
	Sub      []Op    // OpTx, OpConcurrent
	End      End     // OpTx
	Index    int     // OpRestore
	Bad      Bad     // OpBad

	// Store is the store the op runs on (the transaction's, for a Sub of an
	// OpTx); Handles is the handle set it uses (see Schema.Handles). An
	// accessor op (OpSet, OpGet, OpInclude) runs on its handles' store.
	Store, Handles int

	// Filled by Resolve.
	Src   any   // OpSet, OpGet: the source row (the stored row, or a stand-in)
	Owner any   // OpSet: the owner row (nil to clear)
	Srcs  []any // OpInclude: the sources

	// Order is, for OpConcurrent, the order the Subs ran in on relstore
	// (indexes into Sub), which the harness copies from the outcome before
	// the model and other backends replay them.
	Order []int
}

// Format formats an op of schema s on one line.
func (o Op) Format(s *Schema) string {
	var b strings.Builder
	if o.Store != 0 || o.Handles != 0 {
		fmt.Fprintf(&b, "[store %d, handles %d] ", o.Store, o.Handles)
	}
	if o.Cancel {
		b.WriteString("(cancelled) ")
	}
	b.WriteString(o.Kind.String())
	switch o.Kind {
	case OpInsert, OpUpdate, OpUpsert:
		fmt.Fprintf(&b, " via=%d %s", o.Via, FormatRow(o.Row))
		if o.Key != nil {
			fmt.Fprintf(&b, " key=%s", fmtKey(o.Key))
		}
	case OpDelete:
		fmt.Fprintf(&b, " via=%d %s %s", o.Via, s.ModelName(o.Model), fmtKey(o.Key))
	case OpSet:
		fmt.Fprintf(&b, " %s src=%s owner=%s", s.RelName(o.Rel), fmtKey(o.Key), fmtKey(o.FK))
	case OpMove:
		fmt.Fprintf(&b, " via=%d %s src=%s fk=%s", o.Via, s.RelName(o.Rel), fmtKey(o.Key), fmtKey(o.FK))
		if o.Row != nil {
			fmt.Fprintf(&b, " row=%s", FormatRow(o.Row))
		}
	case OpGet:
		fmt.Fprintf(&b, " via=%d %s src=%s (stand-in fk=%s)", o.Via, s.RelName(o.Rel), fmtKey(o.Key), fmtKey(o.FK))
	case OpInclude:
		fmt.Fprintf(&b, " %s", s.RelName(o.Rel))
		if o.Dangling {
			fmt.Fprintf(&b, " + stand-in fk=%s", fmtKey(o.FK))
		}
	case OpView:
		if o.Write {
			fmt.Fprintf(&b, " write %s", s.ModelName(o.Model))
		} else {
			fmt.Fprintf(&b, " %s %s", s.ModelName(o.Model), fmtKey(o.Key))
		}
	case OpTx, OpConcurrent:
		parts := make([]string, len(o.Sub))
		for i, sub := range o.Sub {
			parts[i] = sub.Format(s)
		}
		if o.Kind == OpTx {
			fmt.Fprintf(&b, " {%s} then %s", strings.Join(parts, "; "), o.End)
		} else {
			fmt.Fprintf(&b, " {%s}", strings.Join(parts, " | "))
			if o.Order != nil {
				fmt.Fprintf(&b, " ran in order %v", o.Order)
			}
		}
	case OpRestore:
		fmt.Fprintf(&b, " %d", o.Index)
	case OpBad:
		fmt.Fprintf(&b, " %s", o.Bad)
	}
	return b.String()
}

// fmtKey formats a key or foreign key value: a quoted string, a number, or
// <nil>.
func fmtKey(k any) string {
	if k == nil {
		return "<nil>"
	}
	return formatValue(reflect.ValueOf(k))
}

// FormatOps formats a sequence of schema s, one numbered op a line, marking
// op mark.
func FormatOps(s *Schema, ops []Op, mark int) string {
	var b strings.Builder
	for i, o := range ops {
		prefix := "   "
		if i == mark {
			prefix = "-> "
		}
		fmt.Fprintf(&b, "%s%3d %s\n", prefix, i, o.Format(s))
	}
	return b.String()
}
