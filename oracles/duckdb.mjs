// Reads a Parquet file with DuckDB and prints its column types and rows as
// JSON: {"columns":[{"name":N,"type":T}],"rows":[{...}]}. BLOBs are shown
// as hex strings prefixed "\x" by DuckDB's JSON conversion of values.
import { DuckDBInstance } from '@duckdb/node-api';

const path = process.argv[2];
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet('${path.replaceAll("'", "''")}')`);
const names = reader.columnNames();
const types = reader.columnTypes().map(String);
const columns = names.map((name, i) => ({ name, type: types[i] }));
process.stdout.write(JSON.stringify({ columns, rows: reader.getRowObjectsJson() }) + '\n');
