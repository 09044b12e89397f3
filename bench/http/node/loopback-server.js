// A minimal LoopBack 3 application for bench/http: the model definitions in
// MODELS_DIR (the JSON relstore serves too) on the memory connector, their
// REST API under /api, and the generator's db.json loaded through each
// model's create before the server listens on 127.0.0.1:PORT. It is what
// loopback-boot builds from common/models, server/model-config.json and
// server/datasources.json ("db": {"connector": "memory"}), written out.
//
//   node loopback-server.js MODELS_DIR DB_JSON PORT
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const loopback = require('loopback');

const [modelsDir, dbFile, port] = process.argv.slice(2);
if (!port) {
  console.error('usage: node loopback-server.js MODELS_DIR DB_JSON PORT');
  process.exit(2);
}

const app = loopback();
app.dataSource('db', {connector: 'memory'});
const defs = fs.readdirSync(modelsDir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(modelsDir, f), 'utf8')));
const models = defs.map((def) => app.registry.createModel(def));
for (const Model of models) app.model(Model, {dataSource: 'db', public: true});
app.use('/api', loopback.rest());

// db.json names each collection as json-server does: the model's plural in
// lower case. Owners first, so that the data reads like relstore's.
async function seed() {
  const data = JSON.parse(fs.readFileSync(dbFile, 'utf8'));
  const order = ['Customer', 'Order', 'Item'];
  for (const name of order) {
    const def = defs.find((d) => d.name === name);
    const rows = data[(def.plural || def.name + 's').toLowerCase()] || [];
    await app.models[name].create(rows);
  }
  return order.map((n) => `${n}: ${(data[n.toLowerCase() + 's'] || []).length}`).join(', ');
}

seed().then((counts) => {
  http.createServer(app).listen(Number(port), '127.0.0.1', () => {
    console.log(`loopback ${require('loopback/package.json').version} (juggler ` +
      `${require('loopback-datasource-juggler/package.json').version}) on ` +
      `http://127.0.0.1:${port}/api, memory connector, ${counts}`);
  });
}, (err) => {
  console.error(err);
  process.exit(1);
});
