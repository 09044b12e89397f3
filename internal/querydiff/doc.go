// Package querydiff is the differential test of relstore's queries against
// a SQL database, shared by fuzz/sqlite (SQLite) and fuzz/postgres
// (PostgreSQL): random data sets of QGroup and QItem (a field of every
// indexable kind, NULLs, ties, boundary values), random LoopBack filters
// over them (shaped for an index half the time), and their translation to
// the SQL of either database on the tables package ddl writes. Run loads a
// data set into relstore and into a database the caller opens, and checks
// that every filter gets the same rows in the same order, the same counts
// and the same next keyset page from both.
//
// The generator draws from one seed, so a seed names a data set and its
// filters in both harnesses; fuzz/sqlite's FuzzQuery corpus is seeds.
// What the translation does to make each database answer with relstore's
// semantics is in sql.go; the differences that remain are pinned tests in
// the two nested modules.
package querydiff
