// Package datafile saves a store to a JSON file and loads it back, and keeps
// the file in step with the store as it changes: the durable data file of
// `relstore serve -data FILE`, and a library feature for any Go program
// that wants its prototype's data to survive a restart.
//
// # Basics
//
//	f, report, err := datafile.Open(ctx, store, datafile.Config{Path: "db.json", Schema: schema})
//	defer f.Close()            // writes what is not written yet
//	... store.Update(...) ...  // every commit reaches the file, soon
//	err = f.Flush(ctx)         // wait until it has
//
// Open loads the file into the store (an empty one), then a goroutine
// rewrites the file after commits. Load, Marshal and Save are the same steps
// one at a time.
//
// The file is LoopBack 3's memory connector's file, so a LoopBack
// application's data loads as it is and LoopBack reads what relstore writes
// ([Marshal] describes the format).
//
// # Guarantees
//
//   - Whole files: each write goes to a temporary file in the same
//     directory, is fsynced, renamed over the file, and the directory is
//     fsynced. A crash (even SIGKILL, mid-write) leaves the previous file or
//     the new one; Open removes the temporaries a crash left.
//   - Consistent files: each write is one snapshot of the store (all of a
//     commit or none of it).
//   - Coalesced writes: the file is rewritten whole, after commits; commits
//     made while a write runs are written together by the next, so a burst
//     of commits costs a few writes. Config.MinInterval spaces writes
//     further. A commit is in the file once Flush (or Close) returns.
//   - Keys are never reused across restarts: the auto-key counters are saved
//     and restored, so a key whose row was deleted is not handed out again.
//   - Integrity on load: rows are inserted in foreign key order and checked
//     as any write is; a dangling foreign key or a duplicate unique value is
//     refused with an *Error naming the file, the model, the record and the
//     property, and nothing is loaded.
//   - Evolving models: a row may lack properties the model has gained (they
//     take their default, else none) and hold properties it has lost (they
//     are dropped); whole models may be gone. The Report lists all three.
//
// # Caveats
//
// The whole file is rewritten on each write, so a write costs time in
// proportion to the data: fine for a prototype's thousands of rows, not for
// millions. A shadow foreign key (a code-declared relation without a struct
// field) is saved beside the row's fields, under its field name. Writes are
// asynchronous: a commit acknowledged to a client may be lost by a crash
// that comes before the next write ends (call Flush to wait for it).
package datafile
