package opseq

// Seed is a named operation sequence for a fuzz corpus: each covers one
// relation behaviour or bad input, on top of a small fixture.
type Seed struct {
	Name string
	Seq
}

// Shorthands for the seeds.
func ins(row any) Op                { return Op{Kind: OpInsert, Row: row} }
func insVia(row any, v Via) Op      { return Op{Kind: OpInsert, Row: row, Via: v} }
func upd(row any) Op                { return Op{Kind: OpUpdate, Row: row} }
func ups(row any) Op                { return Op{Kind: OpUpsert, Row: row} }
func del(m ModelID, k any) Op       { return Op{Kind: OpDelete, Model: m, Key: k} }
func set(r Rel, src, fk any) Op     { return Op{Kind: OpSet, Rel: r, Key: src, FK: fk} }
func move(r Rel, src, fk any) Op    { return Op{Kind: OpMove, Rel: r, Key: src, FK: fk} }
func get(r Rel, src any, v Via) Op  { return Op{Kind: OpGet, Rel: r, Key: src, Via: v} }
func incl(r Rel) Op                 { return Op{Kind: OpInclude, Rel: r} }
func inclDangling(r Rel, fk any) Op { return Op{Kind: OpInclude, Rel: r, Dangling: true, FK: fk} }
func view(m ModelID, k any) Op      { return Op{Kind: OpView, Model: m, Key: k} }
func tx(end End, subs ...Op) Op     { return Op{Kind: OpTx, End: end, Sub: subs} }
func snap() Op                      { return Op{Kind: OpSnapshot} }
func restore(i int) Op              { return Op{Kind: OpRestore, Index: i} }
func bad(b Bad) Op                  { return Op{Kind: OpBad, Bad: b} }
func cancelled(o Op) Op             { o.Cancel = true; return o }

// seq concatenates op lists.
func seq(parts ...[]Op) []Op {
	var out []Op
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// fixture: customers 1 (a@x) and 2 (b@x); orders 1 and 2 of customer 1,
// order 2 a child of order 1; order 3 of customer 2; note a on order 1
// written by b@x, note b on order 3 replying to a.
var fixture = []Op{
	ins(Customer{ID: 1, Email: "a@x", Name: "x"}),
	ins(Customer{ID: 2, Email: "b@x"}),
	ins(Order{ID: 1, CustomerID: 1}),
	ins(Order{ID: 2, CustomerID: 1, ParentID: Int(1)}),
	ins(Order{ID: 3, CustomerID: 2}),
	ins(Note{ID: "a", OrderID: 1, AuthorEmail: Str("b@x")}),
	ins(Note{ID: "b", OrderID: 3, ReplyTo: Str("a")}),
	incl(RelCustomer), incl(RelParent), incl(RelOrder), incl(RelReply), incl(RelAuthor),
}

// ShopSeeds returns FuzzOps's seed corpus (schema Shop), each sequence as
// Decode returns it from Encode's bytes.
func ShopSeeds() []Seed { return normalized(Shop, shopSeeds()) }

// normalized returns seeds as Decode returns them from Encode's bytes.
func normalized(base *Schema, seeds []Seed) []Seed {
	for i := range seeds {
		seeds[i].Seq = Decode(base, Encode(seeds[i].Seq))
	}
	return seeds
}

// shop makes a Seed of schema Shop.
func shop(name string, ops []Op) Seed { return Seed{name, Seq{Shop, ops}} }

// shopSeeds returns the seed corpus of Shop as written.
func shopSeeds() []Seed {
	raw := []struct {
		name string
		ops  []Op
	}{
		{"fixture and includes", fixture},
		{"auto keys: max ever plus one, never reused", []Op{
			ins(Customer{Email: "a@x"}), ins(Customer{ID: 5, Email: "b@x"}), insVia(Customer{Email: "c@x"}, 2),
			del(MCustomer, 6), insVia(Customer{Email: "d@x"}, 1), view(MCustomer, 7),
		}},
		{"rolled-back insert does not consume an auto key", []Op{
			tx(EndError, ins(Customer{Email: "a@x"})), ins(Customer{Email: "a@x"}), view(MCustomer, 1),
		}},
		{"duplicate primary key and unique email", []Op{
			ins(Customer{ID: 1, Email: "a@x"}), ins(Customer{ID: 1, Email: "b@x"}), ins(Customer{ID: 2, Email: "a@x"}),
			ins(Customer{ID: 2, Email: "b@x"}), upd(Customer{ID: 2, Email: "a@x"}), ups(Customer{ID: 3, Email: "b@x"}),
		}},
		{"dangling foreign keys", []Op{
			ins(Order{ID: 1, CustomerID: 1}), ins(Customer{ID: 1, Email: "a@x"}), ins(Order{ID: 1, CustomerID: 1, ParentID: Int(2)}),
			ins(Note{ID: "a", OrderID: 2}), ins(Note{ID: "a", OrderID: 1, ReplyTo: Str("b")}),
			ins(Note{ID: "a", OrderID: 1, AuthorEmail: Str("c@x")}), ins(Note{ID: "a", OrderID: 1, AuthorEmail: Str("a@x")}),
		}},
		{"self references", []Op{
			ins(Customer{ID: 1, Email: "a@x"}), ins(Order{ID: 1, CustomerID: 1, ParentID: Int(1)}),
			ins(Note{ID: "a", OrderID: 1, ReplyTo: Str("a")}), del(MNote, "a"), del(MOrder, 1),
		}},
		{"restrict refuses, whole delete refused", seq(fixture, []Op{
			del(MOrder, 1), del(MOrder, 3), del(MNote, "b"), del(MOrder, 3), view(MOrder, 3),
		})},
		{"cascade customer to orders, set null parent", seq(fixture, []Op{
			del(MNote, "a"), ins(Order{ID: 4, CustomerID: 2, ParentID: Int(1)}), del(MCustomer, 1), view(MOrder, 4),
		})},
		{"cascade by keyTo email and reply chain", seq(fixture, []Op{
			ins(Note{ID: "c", OrderID: 3, ReplyTo: Str("b")}), ins(Note{ID: "d", OrderID: 3, ReplyTo: Str("c")}),
			del(MCustomer, 2), ins(Customer{ID: 3, Email: "b@x"}), set(RelAuthor, "a", "b@x"), del(MNote, "a"),
		})},
		{"cascade cycle terminates", seq(fixture, []Op{
			move(RelReply, "a", "b"), ins(Note{ID: "c", OrderID: 1, ReplyTo: Str("c")}), del(MNote, "b"), view(MNote, "a"),
		})},
		{"no action: restrict row removed by the same cascade", []Op{
			ins(Customer{ID: 1, Email: "a@x"}), ins(Order{ID: 1, CustomerID: 1}),
			ins(Note{ID: "a", OrderID: 1, AuthorEmail: Str("a@x")}), del(MCustomer, 1), view(MNote, "a"),
			ins(Customer{ID: 1, Email: "a@x"}), ins(Customer{ID: 2, Email: "b@x"}), ins(Order{ID: 1, CustomerID: 1}),
			ins(Note{ID: "a", OrderID: 1, AuthorEmail: Str("b@x")}), del(MCustomer, 1),
		}},
		{"referenced email cannot change", seq(fixture, []Op{
			upd(Customer{ID: 2, Email: "c@x"}), upd(Customer{ID: 1, Email: "c@x"}), ups(Customer{ID: 2, Email: "d@x", Name: "y"}),
			del(MNote, "a"), upd(Customer{ID: 2, Email: "c@x"}),
		})},
		{"set and clear owners", seq(fixture, []Op{
			get(RelCustomer, 2, 0), set(RelCustomer, 2, 2), get(RelCustomer, 2, 1), set(RelCustomer, 2, nil),
			set(RelParent, 3, 2), set(RelParent, 3, nil), set(RelParent, 3, 3), set(RelOrder, "a", 5),
			set(RelReply, "e", "a"), set(RelAuthor, "b", "a@x"), get(RelAuthor, "b", 2), set(RelAuthor, "b", nil),
		})},
		{"move foreign keys by update", seq(fixture, []Op{
			move(RelCustomer, 1, 2), move(RelCustomer, 1, 7), move(RelParent, 1, 3), move(RelParent, 3, 1),
			del(MOrder, 2), move(RelOrder, "b", 1), Op{Kind: OpMove, Rel: RelReply, Key: "a", FK: "a", Via: 2},
			Op{Kind: OpMove, Rel: RelAuthor, Key: "a", FK: nil, Via: 1}, move(RelOrder, "f", 1),
		})},
		{"gets, fetches, by key, includes with a dangling source", seq(fixture, []Op{
			get(RelCustomer, 1, 0), get(RelCustomer, 1, 0), get(RelParent, 2, 1), get(RelParent, 1, 2),
			get(RelOrder, "a", 2), get(RelReply, "b", 0), get(RelAuthor, "a", 1), get(RelCustomer, 8, 2),
			Op{Kind: OpGet, Rel: RelCustomer, Key: 7, FK: 5}, inclDangling(RelCustomer, 6), inclDangling(RelAuthor, "a@x"),
			upd(Customer{ID: 1, Email: "a@x", Name: "y"}), incl(RelCustomer), del(MCustomer, 2), incl(RelAuthor),
		})},
		{"views and a write in a view", seq(fixture, []Op{
			view(MCustomer, 1), view(MOrder, 8), view(MNote, "b"), Op{Kind: OpView, Model: MOrder, Key: 1, Write: true},
		})},
		{"transaction commits several writes", []Op{
			tx(EndCommit, ins(Customer{Email: "a@x"}), ins(Order{ID: 1, CustomerID: 1}), ins(Note{ID: "a", OrderID: 1}),
				view(MNote, "a")),
			incl(RelOrder),
		}},
		{"transaction returns an error after writing", seq(fixture, []Op{
			tx(EndError, del(MCustomer, 2), ins(Customer{ID: 3, Email: "c@x"})), view(MCustomer, 2), view(MCustomer, 3),
		})},
		{"transaction panics after writing", seq(fixture, []Op{
			tx(EndPanic, upd(Customer{ID: 1, Email: "c@x"}), del(MNote, "b")), get(RelCustomer, 1, 0), view(MNote, "b"),
		})},
		{"first failure aborts the transaction", seq(fixture, []Op{
			tx(EndCommit, ins(Customer{ID: 3, Email: "c@x"}), view(MOrder, 8), ins(Order{ID: 4, CustomerID: 5}),
				ins(Order{ID: 5, CustomerID: 3})),
			tx(EndCancel, del(MOrder, 1), view(MCustomer, 3)),
			tx(EndCommit, ups(Order{ID: 4, CustomerID: 2}), del(MOrder, 4), del(MOrder, 4)),
			view(MCustomer, 3),
		})},
		{"context cancelled before the call", seq(fixture, []Op{
			cancelled(ins(Customer{ID: 3, Email: "c@x"})), cancelled(del(MCustomer, 1)), cancelled(set(RelCustomer, 1, 2)),
			cancelled(get(RelCustomer, 1, 0)), cancelled(incl(RelOrder)), cancelled(view(MCustomer, 1)),
			cancelled(tx(EndCommit, del(MNote, "b"))), cancelled(restore(0)), cancelled(bad(BadNested)),
			cancelled(Op{Kind: OpSnapshot}),
		})},
		{"snapshots and restores, auto key restored", []Op{
			restore(0), snap(), ins(Customer{Email: "a@x"}), ins(Customer{Email: "b@x"}), snap(),
			del(MCustomer, 1), restore(0), ins(Customer{Email: "c@x"}), restore(1), restore(-1), get(RelAuthor, "a", 0),
			ins(Customer{Email: "c@x"}), view(MCustomer, 3),
		}},
		{"restore drops cached owners", seq(fixture, []Op{
			snap(), get(RelCustomer, 1, 0), upd(Customer{ID: 1, Email: "c@x"}), get(RelCustomer, 1, 0), restore(0),
			get(RelCustomer, 1, 1), del(MNote, "a"), del(MCustomer, 2), get(RelAuthor, "a", 0), restore(0), incl(RelAuthor),
		})},
		{"bad inputs", seq(fixture, []Op{
			bad(BadInsertNil), bad(BadInsertTypedNil), bad(BadInsertUnregistered), bad(BadUpdateUnregistered),
			bad(BadDeleteNil), bad(BadSetNilSource), bad(BadNilFunc), bad(BadNilContext), bad(BadTableKeyType),
			bad(BadNested), view(MCustomer, 1),
		})},
		{"zero keys", seq(fixture, []Op{
			ins(Order{ID: 0, CustomerID: 1}), ins(Note{ID: "", OrderID: 1}), ups(Order{CustomerID: 1}), upd(Customer{ID: 0}),
			del(MOrder, 0), Op{Kind: OpDelete, Model: MNote, Key: "", Via: 1}, view(MCustomer, 0), set(RelCustomer, 0, 1),
			get(RelCustomer, 0, 2), ins(Order{ID: 4, CustomerID: 0}), tx(EndCommit, view(MNote, ""), del(MCustomer, 0)),
		})},
		{"upserts insert, update and assign", seq(fixture, []Op{
			ups(Customer{Email: "c@x"}), ups(Customer{ID: 1, Email: "a@x", Name: "y"}), ups(Order{ID: 4, CustomerID: 3}),
			ups(Order{ID: 1, CustomerID: 2, ParentID: Int(3)}), ups(Note{ID: "a", OrderID: 2}), ups(Note{ID: "c", OrderID: 8}),
		})},
		{"update not found and via variants", seq(fixture, []Op{
			upd(Order{ID: 7, CustomerID: 1}), Op{Kind: OpUpdate, Row: Order{ID: 1, CustomerID: 2}, Via: 1},
			Op{Kind: OpUpdate, Row: Note{ID: "a", OrderID: 3, Text: "x"}, Via: 2}, Op{Kind: OpDelete, Model: MOrder, Key: 2, Via: 2},
			Op{Kind: OpDelete, Model: MNote, Key: "b", Via: 1}, insVia(Order{ID: 5, CustomerID: 2}, 2), insVia(Note{ID: "f", OrderID: 5}, 1),
		})},
	}
	out := make([]Seed, len(raw))
	for i, r := range raw {
		out[i] = shop(r.name, r.ops)
	}
	return out
}
