package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/relstore/relstore/internal/opseq"
	"github.com/relstore/relstore/memstore"
)

// A polymorphic belongsTo (FuzzLinks's LPic.ref) is no SQL foreign key:
// package ddl indexes (discriminator, key) and leaves its integrity to the
// application or to triggers (ddl's Caveats). The harness gives the server
// relstore's integrity with plpgsql triggers, as fuzz/sqlite does with
// SQLite's (difference 16):
//
//   - on the source, AFTER INSERT OR UPDATE OF the key or the
//     discriminator, FOR EACH ROW: a new or changed non-null key must be the
//     key of a row of the model the discriminator names, one of the
//     relation's targets (an unchanged one is not checked, as relstore does
//     not); else foreign_key_violation (23503). An AFTER ROW trigger runs
//     after the unique checks, as relstore checks foreign keys after its
//     unique fields (a duplicate key with a bad reference is 23505 on both).
//   - on each target, AFTER DELETE FOR EACH ROW: the relation's onDelete on
//     the source rows that name that target (a DELETE, an UPDATE to NULL
//     that keeps the discriminator, or a check that raises 23503).
//
// The delete triggers join the queue of the RI triggers (they are AFTER
// ROW triggers of the same event), which fires the triggers of one row in
// name order. relstore's queue (memstore/DESIGN.md, "Deletes") takes a
// target's cascading and nulling relations first, then its restricting
// ones, in package ddl's order of the foreign keys, a polymorphic relation
// last in its group. The names put each trigger there: PostgreSQL names
// the RI triggers of a referenced table "RI_ConstraintTrigger_a_<oid>",
// created (ddl's order) cascading and nulling first; a polymorphic cascade
// or set null is named after the last cascading RI trigger of its target
// (that name, then "_poly<r>"), or "Poly<r>_..." (before "RI_") when the
// target has none, and a polymorphic restrict "poly<r>_..." (after every
// "RI_"). TestPolyTriggerOrder shows the order on the server.
//
// What the triggers cannot match (difference 17): a plpgsql trigger's
// DELETE or UPDATE is a statement of its own, whose rows fire their own
// AFTER triggers when it ends, depth first, where relstore (as an RI
// cascade, which PostgreSQL runs without firing its triggers at once)
// appends them to the end of the queue. Links's polymorphic source is
// referenced by nothing, so its replay never meets it;
// TestPolyCascadeNests pins a schema that does.

// polyTrigger is a trigger the harness made for a polymorphic relation.
type polyTrigger struct {
	r      opseq.Rel
	target opseq.ModelID // the table it is on, for a delete trigger
	check  bool          // the source's insert and update check
}

// polyActions returns the on-delete actions of s's polymorphic relations,
// which the triggers depend on (ddl's DDL does not).
func polyActions(s *opseq.Schema) string {
	var b strings.Builder
	for r, spec := range s.Rels {
		if spec.Poly() {
			fmt.Fprintf(&b, "%d:%v ", r, spec.OnDelete)
		}
	}
	return b.String()
}

// installPoly drops the polymorphic triggers of the previous schema and
// creates those of p.s on every store, named after the RI triggers that
// reference each target there (whose OIDs differ from store to store). It
// sets p.poly, the triggers by name, and p.polyFuncs.
func (p *pgdb) installPoly(ctx context.Context) error {
	old := p.polyFuncs
	p.poly, p.polyFuncs = map[string]polyTrigger{}, nil
	for i, conn := range p.conns[:p.s.NumStores()] {
		stmts, err := p.polyTriggers(ctx, i)
		if err != nil {
			return err
		}
		if len(old) > 0 {
			stmts = append([]string{"DROP FUNCTION IF EXISTS " + strings.Join(old, ", ") + " CASCADE"}, stmts...)
		}
		if len(stmts) == 0 {
			continue
		}
		if _, err := conn.Exec(ctx, strings.Join(stmts, ";\n")); err != nil {
			return fmt.Errorf("polymorphic triggers: %w\n%s", err, strings.Join(stmts, ";\n"))
		}
	}
	return nil
}

// polyTriggers returns the statements that make the triggers of p.s's
// polymorphic relations in store i, and records their names in p.poly and
// their functions in p.polyFuncs (the same for every store).
func (p *pgdb) polyTriggers(ctx context.Context, i int) ([]string, error) {
	s := p.s
	// lastCascade is, per table, the name of its last cascading or nulling
	// RI delete trigger (by name).
	rs, err := p.conns[i].Query(ctx, `SELECT tgt.relname, max(t.tgname COLLATE "C")
		FROM pg_trigger t
		JOIN pg_constraint c ON c.oid = t.tgconstraint
		JOIN pg_class tgt ON tgt.oid = t.tgrelid
		WHERE c.contype = 'f' AND t.tgrelid = c.confrelid AND t.tgtype & 8 <> 0 AND c.confdeltype IN ('c', 'n')
			AND tgt.relnamespace = current_schema()::regnamespace
		GROUP BY tgt.relname`)
	type last struct{ table, name string }
	rows, err := collect(rs, err, func(r pgx.Rows) (l last, err error) { return l, r.Scan(&l.table, &l.name) })
	if err != nil {
		return nil, err
	}
	lastCascade := map[string]string{}
	for _, l := range rows {
		lastCascade[quote(l.table)] = l.name
	}
	var stmts []string
	var funcs []string
	for r, spec := range s.Rels {
		if !spec.Poly() {
			continue
		}
		src, fk, disc := p.table(spec.Source), p.col(spec.Source, spec.FK), p.col(spec.Source, spec.Disc)
		raise := func(what string) string {
			return fmt.Sprintf("RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = %s", what)
		}
		var ok []string
		for _, t := range spec.Targets {
			ok = append(ok, fmt.Sprintf("NEW.%s = %s AND EXISTS (SELECT 1 FROM %s WHERE %s = NEW.%s)",
				disc, literal(s.Models[t].Name), p.table(t), p.key(t), fk))
		}
		name := fmt.Sprintf("poly%02d_check", r)
		funcs = append(funcs, quote(name)+"()")
		p.poly[name] = polyTrigger{r: opseq.Rel(r), check: true}
		stmts = append(stmts, fmt.Sprintf(`CREATE FUNCTION %[1]s() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.%[2]s IS NULL OR TG_OP = 'UPDATE' AND OLD.%[2]s = NEW.%[2]s AND OLD.%[3]s = NEW.%[3]s THEN
		RETURN NULL; -- no key, or the same one
	END IF;
	IF %[4]s THEN
		RETURN NULL;
	END IF;
	%[5]s;
END $$`, quote(name), fk, disc, strings.Join(ok, "\n\t\tOR "),
			raise(fmt.Sprintf("format('polymorphic foreign key %s: %%s %%s names no row', NEW.%s, NEW.%s)", spec.Name, disc, fk))),
			fmt.Sprintf("CREATE TRIGGER %s AFTER INSERT OR UPDATE OF %s, %s ON %s FOR EACH ROW EXECUTE FUNCTION %s()",
				quote(name), fk, disc, src, quote(name)))
		for _, t := range spec.Targets {
			named := fmt.Sprintf("%s = %s AND %s = OLD.%s", disc, literal(s.Models[t].Name), fk, p.key(t))
			var body, trig string
			switch spec.OnDelete {
			case memstore.Cascade:
				body = fmt.Sprintf("DELETE FROM %s WHERE %s;", src, named)
			case memstore.SetNull:
				body = fmt.Sprintf("UPDATE %s SET %s = NULL WHERE %s;", src, fk, named)
			default: // restrict: after every RI trigger
				body = fmt.Sprintf("IF EXISTS (SELECT 1 FROM %s WHERE %s) THEN\n\t\t%s;\n\tEND IF;", src, named,
					raise(fmt.Sprintf("format('polymorphic foreign key %s: %s %%s is referenced', OLD.%s)", spec.Name, s.Models[t].Name, p.key(t))))
				trig = fmt.Sprintf("poly%02d_%s_restrict", r, s.Models[t].Name)
			}
			if trig == "" { // cascade or set null: after the cascading RI triggers, before the others
				if l, ok := lastCascade[p.table(t)]; ok {
					trig = fmt.Sprintf("%s_poly%02d", l, r)
				} else {
					trig = fmt.Sprintf("Poly%02d_%s_%v", r, s.Models[t].Name, spec.OnDelete)
				}
			}
			fn := fmt.Sprintf("poly%02d_%s_delete", r, s.Models[t].Name)
			funcs = append(funcs, quote(fn)+"()")
			p.poly[trig] = polyTrigger{r: opseq.Rel(r), target: t}
			stmts = append(stmts,
				fmt.Sprintf("CREATE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n\t%s\n\tRETURN NULL;\nEND $$", quote(fn), body),
				fmt.Sprintf("CREATE TRIGGER %s AFTER DELETE ON %s FOR EACH ROW EXECUTE FUNCTION %s()", quote(trig), p.table(t), quote(fn)))
		}
	}
	p.polyFuncs = funcs
	return stmts, nil
}

// literal quotes a string as an SQL literal.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// PTgt and PSrc make the cases where the place of a polymorphic relation's
// trigger among the RI triggers decides a delete: a PSrc row references its
// PTgt through two foreign keys (tgt and pin) and through a polymorphic
// belongsTo (ref), one cascading and another restricting.
type PTgt struct{ ID int64 }

type PSrc struct {
	ID      int64
	TgtID   *int64
	PinID   *int64
	RefID   *int64
	RefType string
}

// polySchema returns the schema of PTgt and PSrc with the given actions,
// as an opseq.Schema and as relstore's models.
func polySchema(tgt, pin, ref memstore.Action) (*opseq.Schema, []memstore.Model) {
	s := &opseq.Schema{
		Name:   "poly",
		Models: []opseq.ModelSpec{specOf[PTgt]("ID"), specOf[PSrc]("ID")},
		Rels: []opseq.RelSpec{
			{Name: "tgt", Source: 1, Target: 0, FK: "TgtID", KeyTo: "ID", OnDelete: tgt, Nullable: true},
			{Name: "pin", Source: 1, Target: 0, FK: "PinID", KeyTo: "ID", OnDelete: pin, Nullable: true},
			{Name: "ref", Source: 1, Target: 0, FK: "RefID", KeyTo: "ID", OnDelete: ref, Nullable: true,
				Targets: []opseq.ModelID{0}, Disc: "RefType"},
		},
	}
	target, source := memstore.ModelOf[PTgt](), memstore.ModelOf[PSrc]()
	source.Relations = []memstore.Relation{
		{Name: "tgt", Target: target.Name, FK: "TgtID", OnDelete: tgt},
		{Name: "pin", Target: target.Name, FK: "PinID", OnDelete: pin},
		{Name: "ref", Polymorphic: true, FK: "RefID", Discriminator: "RefType", Targets: []string{target.Name}, OnDelete: ref},
	}
	return s, []memstore.Model{target, source}
}

// newPolyPG applies ddl's schema of models and the harness's triggers of s
// to a new test schema.
func newPolyPG(t *testing.T, s *opseq.Schema, models []memstore.Model) *pgdb {
	t.Helper()
	conn := newTestConn(t)
	mustSchema(t, conn, models...)
	p := &pgdb{s: s, conns: []*pgx.Conn{conn}}
	if err := p.readNames(); err != nil {
		t.Fatal(err)
	}
	p.triggers(t)
	return p
}

// TestPolyTriggerOrder shows on the server that the names of the
// polymorphic relations' delete triggers put them where relstore's queue
// has them. PSrc 1 references PTgt 1 through ref and through a foreign key,
// and deleting PTgt 1 is accepted when the cascading relation's event runs
// before the restricting one's (the cascade removes the row the check would
// find), as relstore runs them: a polymorphic restrict after every foreign
// key (named "poly..."), a polymorphic cascade before the restricting ones
// ("Poly...", or after the cascading ones when there are: the last one's
// name and "_poly<r>"). With the trigger renamed to the other side, the
// server refuses the same delete (23503), and the queue rule, which reads
// the order from the names, predicts both.
func TestPolyTriggerOrder(t *testing.T) {
	ctx := context.Background()
	ca, re := memstore.Cascade, memstore.Restrict
	for _, tc := range []struct {
		name          string
		tgt, pin, ref memstore.Action
		row           PSrc
		swappedName   string // the trigger's name on the wrong side of an RI trigger
	}{
		{"polymorphic restrict after a cascading foreign key", ca, re, re,
			PSrc{ID: 1, TgtID: ptr[int64](1), RefID: ptr[int64](1), RefType: "PTgt"}, "Poly02_PTgt_restrict"},
		{"polymorphic cascade before a restricting foreign key", re, re, ca,
			PSrc{ID: 1, TgtID: ptr[int64](1), RefID: ptr[int64](1), RefType: "PTgt"}, "poly02_PTgt_cascade"},
		{"polymorphic cascade between a cascading and a restricting foreign key", ca, re, ca,
			PSrc{ID: 1, PinID: ptr[int64](1), RefID: ptr[int64](1), RefType: "PTgt"}, "poly02_PTgt_cascade"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, models := polySchema(tc.tgt, tc.pin, tc.ref)
			rows := []any{PTgt{ID: 1}, tc.row}
			if _, err := relstoreDelete(t, models, rows[0], rows...); err != nil {
				t.Errorf("relstore: delete of PTgt 1: %v, want it accepted", err)
			}
			for _, swap := range []bool{false, true} {
				p := newPolyPG(t, s, models)
				want := opseq.OK
				if swap {
					var name string
					for n, pt := range p.poly {
						if !pt.check {
							name = n
						}
					}
					execAll(t, p, fmt.Sprintf(`ALTER TRIGGER %s ON "p_tgt" RENAME TO %s`, quote(name), quote(tc.swappedName)))
					p.poly[tc.swappedName] = p.poly[name]
					if err := p.readTriggers(); err != nil {
						t.Fatal(err)
					}
					want = opseq.ForeignKey
				}
				var names []string
				if err := p.conns[0].QueryRow(ctx, `SELECT array_agg(tgname::text ORDER BY tgname COLLATE "C") FROM pg_trigger
					WHERE tgrelid = '"p_tgt"'::regclass AND tgtype & 8 <> 0`).Scan(&names); err != nil {
					t.Fatal(err)
				}
				cols, values := p.columns(1, tc.row)
				execAll(t, p, `INSERT INTO "p_tgt" VALUES (1)`)
				if _, err := p.conns[0].Exec(ctx, fmt.Sprintf(`INSERT INTO "p_src" (%s) VALUES (%s)`, strings.Join(cols, ", "), params(len(cols))), values...); err != nil {
					t.Fatal(err)
				}
				_, err := p.conns[0].Exec(ctx, `DELETE FROM "p_tgt" WHERE "id" = 1`)
				t.Logf("delete triggers of p_tgt %q: %v", names, classify(err))
				if got := classify(err); got != want {
					t.Errorf("PostgreSQL, delete triggers %q: delete of PTgt 1: %v (%v), want %v", names, got, err, want)
				}
				if got := predictDelete(s, p.trig, snapOf(s, rows...), 0, int64(1), false); got != want {
					t.Errorf("the queue rule, delete triggers %q: %v, want %v", names, got, want)
				}
			}
		})
	}
}

// NTgt, NPic and NVisit make difference 17: an NPic belongs to an NTgt
// through a polymorphic relation (cascade), and an NVisit to an NTgt
// (restrict) and to an NPic (cascade).
type NTgt struct{ ID int64 }

type NPic struct {
	ID      int64
	RefID   *int64
	RefType string
}

type NVisit struct {
	ID    int64
	TgtID int64  `relstore:"belongsTo=NTgt,as=tgt"`
	PicID *int64 `relstore:"belongsTo=NPic,as=pic,onDelete=cascade"`
}

// TestPolyCascadeNests pins difference 17: deleting NTgt 1, whose NPic 1
// has NVisit 1, which also restricts NTgt 1. relstore's queue (and an RI
// cascade's) runs NTgt 1's events in turn: the polymorphic cascade removes
// NPic 1 and appends its cascade to NVisit 1 to the end of the queue, then
// the restrict check finds NVisit 1: refused. PostgreSQL's polymorphic
// cascade is a trigger's DELETE, a statement of its own, whose RI cascade
// to NVisit 1 fires when that DELETE ends, before the restrict check: the
// delete is accepted.
func TestPolyCascadeNests(t *testing.T) {
	ctx := context.Background()
	s := &opseq.Schema{
		Name:   "nest",
		Models: []opseq.ModelSpec{specOf[NTgt]("ID"), specOf[NPic]("ID"), specOf[NVisit]("ID")},
		Rels: []opseq.RelSpec{
			{Name: "ref", Source: 1, Target: 0, FK: "RefID", KeyTo: "ID", OnDelete: memstore.Cascade, Nullable: true,
				Targets: []opseq.ModelID{0}, Disc: "RefType"},
			{Name: "tgt", Source: 2, Target: 0, FK: "TgtID", KeyTo: "ID", OnDelete: memstore.Restrict},
			{Name: "pic", Source: 2, Target: 1, FK: "PicID", KeyTo: "ID", OnDelete: memstore.Cascade, Nullable: true},
		},
	}
	tgt, pic := memstore.ModelOf[NTgt](), memstore.ModelOf[NPic]()
	pic.Relations = []memstore.Relation{{Name: "ref", Polymorphic: true, FK: "RefID", Discriminator: "RefType",
		Targets: []string{tgt.Name}, OnDelete: memstore.Cascade}}
	models := []memstore.Model{tgt, pic, memstore.ModelOf[NVisit]()}
	rows := []any{NTgt{ID: 1}, NPic{ID: 1, RefID: ptr[int64](1), RefType: "NTgt"}, NVisit{ID: 1, TgtID: 1, PicID: ptr[int64](1)}}

	p := newPolyPG(t, s, models)
	execAll(t, p, `INSERT INTO "n_tgt" VALUES (1)`, `INSERT INTO "n_pic" VALUES (1, 1, 'NTgt')`, `INSERT INTO "n_visit" VALUES (1, 1, 1)`)
	if _, err := p.conns[0].Exec(ctx, `DELETE FROM "n_tgt" WHERE "id" = 1`); err != nil {
		t.Errorf("PostgreSQL: delete of NTgt 1: %v, want it accepted (the trigger's DELETE fires its cascade at once)", err)
	}
	if got := predictDelete(s, p.trig, snapOf(s, rows...), 0, int64(1), false); got != opseq.ForeignKey {
		t.Errorf("the queue rule: %v, want %v", got, opseq.ForeignKey)
	}
	if _, err := relstoreDelete(t, models, rows[0], rows...); classifyStore(err) != opseq.ForeignKey {
		t.Errorf("relstore: delete of NTgt 1: %v, want ErrForeignKey (NVisit 1's cascade is queued after the restrict check)", err)
	}
}

// polyStats counts what the polymorphic relations' triggers met in a
// replay.
type polyStats struct {
	refusedWrites  int    // inserts, updates and sets the check trigger refused (23503)
	refusedDeletes int    // deletes a restrict trigger refused (23503)
	deletes        [3]int // deletes of a row that source rows named, by the relation's action: cascade, set null, restrict
}

func (ps polyStats) String() string {
	return fmt.Sprintf("polymorphic belongsTo: %d writes refused by the check trigger, %d deletes of a named row (%d cascade, %d set null, %d restrict: %d refused by it)",
		ps.refusedWrites, ps.deletes[0]+ps.deletes[1]+ps.deletes[2], ps.deletes[0], ps.deletes[1], ps.deletes[2], ps.refusedDeletes)
}

// countDelete counts op, a DELETE sent on the rows pre, if source rows of a
// polymorphic relation name the row it deletes.
func (ps *polyStats) countDelete(s *opseq.Schema, pre pgSnap, op opseq.Op) {
	for r, spec := range s.Rels {
		if !spec.Poly() || !slices.Contains(spec.Targets, op.Model) {
			continue
		}
		for _, row := range pre.rows[spec.Source] {
			if opseq.Field(row, spec.Disc) == s.Models[op.Model].Name && s.RawFK(opseq.Rel(r), row) == op.Key {
				ps.deletes[map[memstore.Action]int{memstore.Cascade: 0, memstore.SetNull: 1, memstore.Restrict: 2}[spec.OnDelete]]++
				return
			}
		}
	}
}

// polyCounter counts the refusals of the polymorphic triggers among the
// statements it runs, by their messages.
type polyCounter struct {
	q
	ps *polyStats
}

func (c polyCounter) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := c.q.Exec(ctx, sql, args...)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23503" && strings.HasPrefix(pe.Message, "polymorphic foreign key ") {
		if strings.HasSuffix(pe.Message, " is referenced") {
			c.ps.refusedDeletes++
		} else {
			c.ps.refusedWrites++
		}
	}
	return tag, err
}
