// Reads an Arrow IPC file or stream with Apache Arrow JS and prints its
// schema and rows as JSON: {"columns":[{"name":N,"type":T}],"rows":[{...}]}.
// Integers are shown as decimal strings (they may exceed 2^53), bytes as
// {"base64":...}, floats as numbers or "NaN"/"Infinity"/"-Infinity".
import { readFileSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';

const table = tableFromIPC(readFileSync(process.argv[2]));
const columns = table.schema.fields.map((f) => ({ name: f.name, type: String(f.type) }));

function plain(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (v instanceof Uint8Array) return { base64: Buffer.from(v).toString('base64') };
  if (ArrayBuffer.isView(v)) return Array.from(v, plain);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v.toArray === 'function' && typeof v.length === 'number') return Array.from(v.toArray(), plain);
  if (typeof v.toJSON === 'function') {
    const o = v.toJSON();
    const out = {};
    for (const k of Object.keys(o)) out[k] = plain(o[k]);
    return out;
  }
  return v;
}

const rows = [];
for (let i = 0; i < table.numRows; i++) {
  const row = {};
  for (const f of table.schema.fields) row[f.name] = plain(table.getChild(f.name).get(i));
  rows.push(row);
}
process.stdout.write(JSON.stringify({ columns, rows }) + '\n');
