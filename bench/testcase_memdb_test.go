package bench

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	memdb "github.com/hashicorp/go-memdb"
)

// The test case (testcase_test.go) on go-memdb by hand: the floor of what
// relstore's test case can cost while its tables are go-memdb's. The same
// writes, index for index, as relstore makes them (issue 16): each model a
// table with an "id" index and an index per foreign key (customers' unique
// Email too), keys encoded as relstore encodes them (8 bytes, big-endian,
// sign bit flipped: go-memdb's IntFieldIndex writes varints, which would
// shape the trees differently), a foreign key's index non-unique (go-memdb
// appends the primary key), and the short table and index names relstore
// gives go-memdb. Integrity is checked by hand as relstore checks it: the
// foreign key of an insert or update with First, the unique Email with
// First, the cascade by walking parent_id with Get and deleting each row.
// Auto keys are a counter per table kept with the snapshot. Rows are stored
// as pointers to copies and read as copies (the models are plain). Reset
// restores a snapshot of the seeded MemDB.

// tcKey encodes an int64 as relstore does.
func tcKey(v int64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 16), uint64(v)^1<<63)
}

// tcIndexer indexes a row by an int64 (or *int64) field read by a function.
type tcIndexer struct {
	field func(any) (int64, bool)
}

func (ix tcIndexer) FromObject(obj any) (bool, []byte, error) {
	v, ok := ix.field(obj)
	if !ok {
		return false, nil, nil
	}
	return true, tcKey(v), nil
}

func (ix tcIndexer) FromArgs(args ...any) ([]byte, error) {
	return tcKey(args[0].(int64)), nil
}

// tcEmailIndexer indexes a customer by Email.
type tcEmailIndexer struct{}

func (tcEmailIndexer) FromObject(obj any) (bool, []byte, error) {
	return true, []byte(obj.(*TCustomer).Email), nil
}

func (tcEmailIndexer) FromArgs(args ...any) ([]byte, error) {
	return []byte(args[0].(string)), nil
}

// Table and index names as relstore names them for go-memdb (memstore's
// dbName): "0" customers, "1" orders, "2" categories; index "1" the unique
// field or foreign key.
func tcMemdbSchema() *memdb.DBSchema {
	id := func(obj any) (int64, bool) {
		switch r := obj.(type) {
		case *TCustomer:
			return r.ID, true
		case *TOrder:
			return r.ID, true
		default:
			return r.(*TCategory).ID, true
		}
	}
	return &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		"0": {Name: "0", Indexes: map[string]*memdb.IndexSchema{
			"id": {Name: "id", Unique: true, Indexer: tcIndexer{id}},
			"1":  {Name: "1", Unique: true, Indexer: tcEmailIndexer{}},
		}},
		"1": {Name: "1", Indexes: map[string]*memdb.IndexSchema{
			"id": {Name: "id", Unique: true, Indexer: tcIndexer{id}},
			"1": {Name: "1", Indexer: tcIndexer{func(obj any) (int64, bool) {
				return obj.(*TOrder).CustomerID, true
			}}},
		}},
		"2": {Name: "2", Indexes: map[string]*memdb.IndexSchema{
			"id": {Name: "id", Unique: true, Indexer: tcIndexer{id}},
			"1": {Name: "1", AllowMissing: true, Indexer: tcIndexer{func(obj any) (int64, bool) {
				p := obj.(*TCategory).ParentID
				if p == nil {
					return 0, false
				}
				return *p, true
			}}},
		}},
	}}
}

// tcMemdbState is a committed state: the database and the auto-key
// counters of customers and orders.
type tcMemdbState struct {
	db                *memdb.MemDB
	lastCust, lastOrd int64
}

// tcMemdb is the test case's go-memdb system.
type tcMemdb struct {
	cur, seed tcMemdbState
}

var errTCUnique = errors.New("unique violation")

func newTCMemdb() (*tcMemdb, error) {
	db, err := memdb.NewMemDB(tcMemdbSchema())
	if err != nil {
		return nil, err
	}
	cs, os, cats := tcSeed()
	txn := db.Txn(true)
	for i := range cs {
		if err := txn.Insert("0", &cs[i]); err != nil {
			return nil, err
		}
	}
	for i := range os {
		if err := txn.Insert("1", &os[i]); err != nil {
			return nil, err
		}
	}
	for i := range cats {
		if err := txn.Insert("2", &cats[i]); err != nil {
			return nil, err
		}
	}
	txn.Commit()
	m := &tcMemdb{seed: tcMemdbState{db: db.Snapshot(), lastCust: tcCustomers, lastOrd: tcOrders}}
	m.reset()
	return m, nil
}

// reset restores the seed.
func (m *tcMemdb) reset() {
	m.cur = m.seed
	m.cur.db = m.seed.db.Snapshot()
}

// update runs fn in a write transaction, committed if fn returns nil.
func (m *tcMemdb) update(fn func(txn *memdb.Txn) error) error {
	txn := m.cur.db.Txn(true)
	if err := fn(txn); err != nil {
		txn.Abort()
		return err
	}
	txn.Commit()
	return nil
}

func (m *tcMemdb) insertOrder(txn *memdb.Txn, o TOrder) error {
	c, err := txn.First("0", "id", o.CustomerID)
	if err != nil {
		return err
	}
	if c == nil {
		return errFK
	}
	o.ID = m.cur.lastOrd + 1
	if err := txn.Insert("1", &o); err != nil {
		return err
	}
	m.cur.lastOrd = o.ID // committed with txn: the test case never rolls back a successful insert
	return nil
}

// deleteCategory deletes category id and, first in first out, every
// category below it (the cascade), each looked up by parent_id.
func (m *tcMemdb) deleteCategory(txn *memdb.Txn, id int64) error {
	root, err := txn.First("2", "id", id)
	if err != nil {
		return err
	}
	if root == nil {
		return errNotFound
	}
	queue := []*TCategory{root.(*TCategory)}
	for i := 0; i < len(queue); i++ {
		it, err := txn.Get("2", "1", queue[i].ID)
		if err != nil {
			return err
		}
		for raw := it.Next(); raw != nil; raw = it.Next() {
			queue = append(queue, raw.(*TCategory))
		}
	}
	for _, c := range queue {
		if err := txn.Delete("2", c); err != nil {
			return err
		}
	}
	return nil
}

// run is the test case's writes and reads; it returns what they saw, as
// tcStore.run does.
func (m *tcMemdb) run(include []TOrder) (string, error) {
	if err := m.writes(); err != nil {
		return "", err
	}
	return m.reads(include)
}

// writes is the test case's five write transactions.
func (m *tcMemdb) writes() error {
	if err := m.update(func(txn *memdb.Txn) error {
		return m.insertOrder(txn, TOrder{CustomerID: 3, Quantity: 2, Note: "new"})
	}); err != nil {
		return err
	}
	if err := m.update(func(txn *memdb.Txn) error {
		c := &TCustomer{ID: m.cur.lastCust + 1, Name: "new", Email: "new@example.com"}
		if dup, err := txn.First("0", "1", c.Email); err != nil || dup != nil {
			return errors.Join(errTCUnique, err)
		}
		if err := txn.Insert("0", c); err != nil {
			return err
		}
		m.cur.lastCust = c.ID
		return nil
	}); err != nil {
		return err
	}
	if err := m.update(func(txn *memdb.Txn) error {
		raw, err := txn.First("1", "id", int64(5))
		if err != nil || raw == nil {
			return errors.Join(errNotFound, err)
		}
		o := *raw.(*TOrder)
		o.CustomerID = 7
		if c, err := txn.First("0", "id", o.CustomerID); err != nil || c == nil {
			return errors.Join(errFK, err)
		}
		return txn.Insert("1", &o)
	}); err != nil {
		return err
	}
	if err := m.update(func(txn *memdb.Txn) error { return m.deleteCategory(txn, 4) }); err != nil {
		return err
	}
	if err := m.update(func(txn *memdb.Txn) error {
		return m.insertOrder(txn, TOrder{CustomerID: 999, Note: "dangling"})
	}); !errors.Is(err, errFK) {
		return fmt.Errorf("dangling insert: %v, want errFK", err)
	}
	return nil
}

// reads is the test case's ten reads, each from the committed state; it
// returns what they saw.
func (m *tcMemdb) reads(include []TOrder) (string, error) {
	var out strings.Builder
	for _, id := range []int64{10, 20, 30} {
		raw, err := m.cur.db.Txn(false).First("1", "id", id)
		if err != nil || raw == nil {
			return "", errors.Join(errNotFound, err)
		}
		o := *raw.(*TOrder)
		fmt.Fprint(&out, o.ID, o.CustomerID, " ")
	}
	for _, id := range []int64{40, 50, 60} {
		raw, err := m.cur.db.Txn(false).First("0", "id", (id-1)/10+1)
		if err != nil || raw == nil {
			return "", errors.Join(errNotFound, err)
		}
		c := *raw.(*TCustomer)
		fmt.Fprint(&out, c.ID, " ")
	}
	for _, id := range []int64{1, 3, 7} {
		it, err := m.cur.db.Txn(false).Get("1", "1", id)
		if err != nil {
			return "", err
		}
		var os []TOrder
		for raw := it.Next(); raw != nil; raw = it.Next() {
			os = append(os, *raw.(*TOrder))
		}
		fmt.Fprint(&out, len(os), " ")
	}
	txn := m.cur.db.Txn(false)
	owners := make([]TCustomer, len(include))
	for i := range include {
		raw, err := txn.First("0", "id", include[i].CustomerID)
		if err != nil || raw == nil {
			return "", errors.Join(errNotFound, err)
		}
		owners[i] = *raw.(*TCustomer)
	}
	fmt.Fprint(&out, owners[0].ID, owners[tcInclude-1].ID)
	return out.String(), nil
}
