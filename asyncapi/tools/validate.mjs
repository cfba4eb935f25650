#!/usr/bin/env node
// Validates the AsyncAPI document (default ../realtime.yaml) with @asyncapi/parser,
// resolving its file $refs (into ../openapi/*.yaml), checks every message example
// against its payload schema, and optionally checks sample messages.
//
//   node validate.mjs [--doc path/to/doc.yaml] [messages.ndjson | -]
//
// Each line of messages.ndjson is one sample:
//   {"channel": "/ws/logs", "message": {...}}                   server -> client (default)
//   {"channel": "/ws/logs", "from": "client", "message": {...}}  client -> server
// "channel" is a channel address (/ws/logs) or id (logs). A server message must match
// the payload schema of one of the messages of the channel's `send` operations (the
// candidates are picked by their `type` const); a client message one of its `receive`
// operations. The schemas are the parser's resolved ones, checked with ajv.
//
// Exit status: 0 valid (warnings may print), 1 invalid document or messages, 2 usage or I/O.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, fromFile } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const here = path.dirname(fileURLToPath(import.meta.url));
const SEVERITY = ['error', 'warning', 'info', 'hint'];

function usage(msg) {
  console.error(`validate.mjs: ${msg}\nusage: node validate.mjs [--doc doc.yaml] [messages.ndjson | -]`);
  process.exit(2);
}

let docPath = path.resolve(here, '..', 'realtime.yaml');
let samplesPath;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--doc') {
    if (i + 1 >= args.length) usage('--doc needs a path');
    docPath = path.resolve(args[++i]);
  } else if (args[i] === '-h' || args[i] === '--help') {
    usage('help');
  } else if (samplesPath === undefined && (args[i] === '-' || !args[i].startsWith('-'))) {
    samplesPath = args[i];
  } else {
    usage(`unexpected argument ${args[i]}`);
  }
}
const rel = (p) => {
  const r = path.relative(process.cwd(), p);
  return r === '' || r.startsWith('..') ? p : r;
};

// ---- 1. the document -------------------------------------------------------------
const parser = new Parser();
let parsed;
try {
  parsed = await fromFile(parser, docPath).parse();
} catch (err) {
  console.error(`${rel(docPath)}: ${err.message}`);
  process.exit(2);
}
const { document, diagnostics } = parsed;
let errors = 0;
for (const d of diagnostics) {
  if (d.severity > 1) continue; // info and hints (e.g. "3.1.0 is out") are noise here
  if (d.severity === 0) errors++;
  const where = d.range ? `:${d.range.start.line + 1}:${d.range.start.character + 1}` : '';
  const src = d.source ? rel(d.source) : rel(docPath);
  const at = d.path && d.path.length ? ` at ${d.path.join('.')}` : '';
  console.error(`${src}${where}: ${SEVERITY[d.severity] ?? d.severity} ${d.code}${at}: ${d.message}`);
}
if (!document || errors > 0) {
  console.error(`${rel(docPath)}: INVALID (${errors} error(s))`);
  process.exit(1);
}

// ---- 2. payload schemas and examples ---------------------------------------------
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// OpenAPI number formats carry no constraint JSON Schema can check.
for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(f, true);

const compiled = new WeakMap(); // resolved payload schema -> validate function
function checker(msg) {
  const schema = msg.payload()?.json();
  if (schema === undefined) throw new Error(`message ${msg.id()} has no payload`);
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return { validate, typeConst: schema?.properties?.type?.const, name: msg.id() };
}
function describe(errs) {
  return errs
    .map((e) => {
      let m = `${e.instancePath || '/'} ${e.message}`;
      if (e.params?.allowedValues) m += ` ${JSON.stringify(e.params.allowedValues)}`;
      if (e.params?.additionalProperty) m += ` (${JSON.stringify(e.params.additionalProperty)})`;
      if (e.params?.allowedValue !== undefined) m += ` (${JSON.stringify(e.params.allowedValue)})`;
      return m;
    })
    .join('; ');
}

let bad = 0;
let examples = 0;
for (const msg of document.allMessages().all()) {
  const c = checker(msg);
  for (const ex of msg.examples().all()) {
    if (!ex.hasPayload()) continue;
    examples++;
    if (!c.validate(ex.payload())) {
      bad++;
      console.error(`${rel(docPath)}: example ${ex.name() ?? '?'} of message ${c.name}: ${describe(c.validate.errors)}`);
    }
  }
}
if (bad > 0) {
  console.error(`${rel(docPath)}: INVALID (${bad} example(s) do not match their payload)`);
  process.exit(1);
}
const warnings = diagnostics.filter((d) => d.severity === 1).length;
console.log(`${rel(docPath)}: valid (${warnings} warning(s); ${examples} examples match their payloads)`);

// ---- 3. sample messages ----------------------------------------------------------
if (samplesPath === undefined) process.exit(0);

let text;
try {
  text = readFileSync(samplesPath === '-' ? 0 : samplesPath, 'utf8');
} catch (err) {
  usage(`read ${samplesPath}: ${err.message}`);
}

function candidates(channel, from) {
  const action = from === 'client' ? 'receive' : 'send';
  const seen = new Set();
  const out = [];
  for (const op of channel.operations().all()) {
    if (op.action() !== action) continue;
    for (const m of op.messages().all()) {
      if (seen.has(m.id())) continue;
      seen.add(m.id());
      out.push(checker(m));
    }
  }
  return out;
}

const channels = document.channels().all();
let total = 0;
let invalid = 0;
const lines = text.split('\n');
for (let i = 0; i < lines.length; i++) {
  const line = lines[i].trim();
  if (line === '') continue;
  total++;
  const fail = (msg) => {
    invalid++;
    console.error(`${rel(samplesPath)}:${i + 1}: ${msg}`);
  };
  let sample;
  try {
    sample = JSON.parse(line);
  } catch (err) {
    fail(`not JSON: ${err.message}`);
    continue;
  }
  const { channel: name, from = 'server', message } = sample ?? {};
  if (typeof name !== 'string' || message === undefined || !['server', 'client'].includes(from)) {
    fail('want {"channel": "/ws/...", "from"?: "server"|"client", "message": {...}}');
    continue;
  }
  const channel = channels.find((c) => c.address() === name || c.id() === name);
  if (!channel) {
    fail(`no channel ${JSON.stringify(name)} (have ${channels.map((c) => c.address()).join(', ')})`);
    continue;
  }
  const all = candidates(channel, from);
  const type = message?.type;
  const typed = all.filter((c) => c.typeConst === undefined || c.typeConst === type);
  const label = `${channel.address()} ${from}->${from === 'server' ? 'client' : 'server'} type=${JSON.stringify(type)}`;
  if (typed.length === 0) {
    const known = [...new Set(all.map((c) => c.typeConst))].join(', ');
    fail(`${label}: no such message type on this channel (want one of: ${known})`);
    continue;
  }
  const results = typed.map((c) => ({ c, ok: c.validate(message), errors: c.validate.errors }));
  if (results.some((r) => r.ok)) continue;
  fail(`${label}: ${results.map((r) => `[${r.c.name}] ${describe(r.errors)}`).join(' | ')}`);
}
if (invalid > 0) {
  console.error(`${rel(samplesPath)}: ${invalid} of ${total} message(s) INVALID`);
  process.exit(1);
}
console.log(`${rel(samplesPath)}: ${total} message(s) valid`);
