// The database json-server 0.17.4 serves in bench/http: a JavaScript source
// (json-server's documented `json-server db.js`), which it keeps in memory
// (lowdb's Memory adapter), as LoopBack's memory connector and relstore serve
// without -data do. A db.json source would instead be rewritten whole after
// every write. The data is the generator's db.json, named by BENCH_DB.
'use strict';
const fs = require('fs');

module.exports = () => JSON.parse(fs.readFileSync(process.env.BENCH_DB, 'utf8'));
