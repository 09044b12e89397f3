package opseq

import (
	"fmt"
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
	numKinds
)

var kindNames = [numKinds]string{"insert", "update", "upsert", "delete", "set", "move", "get",
	"include", "view", "tx", "snapshot", "restore", "bad"}

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
	Row      any     // OpInsert, OpUpdate, OpUpsert: a Customer, Order or Note value
	Key      any     // OpDelete, OpView: the key; OpSet, OpMove, OpGet: the source row's key
	Rel      Rel     // OpSet, OpMove, OpGet, OpInclude
	FK       any     // OpSet: the owner's KeyTo (nil: clear); OpMove: the new FK; OpGet, OpInclude: a stand-in's FK
	Write    bool    // OpView: attempt a write
	Dangling bool    // OpInclude: add a stand-in source
	Sub      []Op    // OpTx
	End      End     // OpTx
	Index    int     // OpRestore
	Bad      Bad     // OpBad

	// Filled by Resolve.
	Src   any   // OpSet, OpGet: the source row (the stored row, or a stand-in)
	Owner any   // OpSet: the owner row (nil to clear)
	Srcs  []any // OpInclude: the sources
}

// String formats an op on one line.
func (o Op) String() string {
	var b strings.Builder
	if o.Cancel {
		b.WriteString("(cancelled) ")
	}
	b.WriteString(o.Kind.String())
	switch o.Kind {
	case OpInsert, OpUpdate, OpUpsert:
		fmt.Fprintf(&b, " via=%d %s", o.Via, FormatRow(o.Row))
	case OpDelete:
		fmt.Fprintf(&b, " via=%d %s %#v", o.Via, o.Model, o.Key)
	case OpSet:
		fmt.Fprintf(&b, " %s src=%#v owner=%#v", o.Rel, o.Key, o.FK)
	case OpMove:
		fmt.Fprintf(&b, " via=%d %s src=%#v fk=%#v", o.Via, o.Rel, o.Key, o.FK)
		if o.Row != nil {
			fmt.Fprintf(&b, " row=%s", FormatRow(o.Row))
		}
	case OpGet:
		fmt.Fprintf(&b, " via=%d %s src=%#v (stand-in fk=%#v)", o.Via, o.Rel, o.Key, o.FK)
	case OpInclude:
		fmt.Fprintf(&b, " %s", o.Rel)
		if o.Dangling {
			fmt.Fprintf(&b, " + stand-in fk=%#v", o.FK)
		}
	case OpView:
		if o.Write {
			fmt.Fprintf(&b, " write %s", o.Model)
		} else {
			fmt.Fprintf(&b, " %s %#v", o.Model, o.Key)
		}
	case OpTx:
		parts := make([]string, len(o.Sub))
		for i, s := range o.Sub {
			parts[i] = s.String()
		}
		fmt.Fprintf(&b, " {%s} then %s", strings.Join(parts, "; "), o.End)
	case OpRestore:
		fmt.Fprintf(&b, " %d", o.Index)
	case OpBad:
		fmt.Fprintf(&b, " %s", o.Bad)
	}
	return b.String()
}

// FormatOps formats a sequence, one numbered op a line, marking op mark.
func FormatOps(ops []Op, mark int) string {
	var b strings.Builder
	for i, o := range ops {
		prefix := "   "
		if i == mark {
			prefix = "-> "
		}
		fmt.Fprintf(&b, "%s%3d %s\n", prefix, i, o)
	}
	return b.String()
}
