// Encodes test records in Confluent's wire format with encoders kconnect did not write:
// @kafkajs/confluent-schema-registry (registering schemas over the registry's REST API, Avro via
// avsc, JSON Schema via ajv) and protobufjs. Prints one JSON line per record:
//   {"set": "...", "id": <schema id>, "payload": "<base64 of the framed bytes>"}
//
//   NODE_PATH=<node_modules> node encode.js <registry url> <user:password>
//
// @kafkajs/confluent-schema-registry 4.1 writes Protobuf without Confluent's message indexes, so
// Protobuf records are framed here as Confluent's serializer frames them (magic byte, id,
// indexes, payload) around protobufjs's encoding.
'use strict';
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');
const protobuf = require('protobufjs');

const [url, userInfo] = process.argv.slice(2);
const [username, password] = (userInfo || ':').split(':');
const registry = new SchemaRegistry(
  { host: url, auth: userInfo ? { username, password } : undefined, retry: { retries: 0 } },
  { [SchemaType.JSON]: { strict: false } });

const address = {
  type: 'record', name: 'Address', namespace: 'com.example',
  fields: [{ name: 'city', type: 'string' }, { name: 'zip', type: ['null', 'int'], default: null }],
};
const everythingFields = [
  { name: 'b', type: 'boolean' },
  { name: 'i', type: 'int' },
  { name: 'l', type: 'long' },
  { name: 'f', type: 'float' },
  { name: 'd', type: 'double' },
  { name: 's', type: 'string' },
  { name: 'raw', type: 'bytes' },
  { name: 'color', type: { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN', 'BLUE'] } },
  { name: 'md5', type: { type: 'fixed', name: 'Tag4', size: 4 } },
  { name: 'tags', type: { type: 'array', items: 'string' } },
  { name: 'scores', type: { type: 'map', values: 'long' } },
  { name: 'maybe', type: ['null', 'string'], default: null },
  { name: 'either', type: ['int', 'string'] },
  { name: 'address', type: address },
  { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 } },
  { name: 'amount', type: { type: 'fixed', name: 'Amount', size: 8, logicalType: 'decimal',
                            precision: 18, scale: 4 } },
  { name: 'day', type: { type: 'int', logicalType: 'date' } },
  { name: 't_ms', type: { type: 'int', logicalType: 'time-millis' } },
  { name: 't_us', type: { type: 'long', logicalType: 'time-micros' } },
  { name: 'ts_ms', type: { type: 'long', logicalType: 'timestamp-millis' } },
  { name: 'ts_us', type: { type: 'long', logicalType: 'timestamp-micros' } },
  { name: 'lts_ms', type: { type: 'long', logicalType: 'local-timestamp-millis' } },
  { name: 'lts_us', type: { type: 'long', logicalType: 'local-timestamp-micros' } },
  { name: 'uid', type: { type: 'string', logicalType: 'uuid' } },
  { name: 'home', type: ['null', 'com.example.Address'], default: null },
];
const everythingV1 = { type: 'record', name: 'Everything', namespace: 'com.example',
                       fields: everythingFields };
// Version 2: an optional field added (a compatible evolution).
const everythingV2 = { ...everythingV1,
                       fields: [...everythingFields,
                                { name: 'note', type: ['null', 'string'], default: null }] };

// Underlying values (avsc is not given logical type implementations): decimals as unscaled
// big-endian two's complement bytes, dates as days, times and timestamps as numbers.
function everything(n) {
  return {
    b: n % 2 === 0, i: -2147483648 + n, l: 4503599627370496 - n, f: 1.5 * n, d: -0.25 * n,
    s: `héllo ✓ ${n}`, raw: Buffer.from([0, 255, n]), color: ['RED', 'GREEN', 'BLUE'][n % 3],
    md5: Buffer.from([1, 2, 3, n]), tags: n === 0 ? [] : ['a', `t${n}`], scores: { x: n, y: -n },
    maybe: n === 1 ? null : `m${n}`, either: n % 2 === 0 ? n : `e${n}`,
    address: { city: 'Zürich', zip: n === 1 ? null : 8000 + n },
    price: Buffer.from([0x30, 0x39 + n]),                       // 123.45 (+0.01 n)
    amount: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x9c]),  // -100 -> -0.0100
    day: 19000 + n, t_ms: 3723004, t_us: 3723004005, ts_ms: 1700000000123, ts_us: 1700000000123456,
    lts_ms: 1700000000999, lts_us: 1700000000999999,
    uid: '123e4567-e89b-12d3-a456-42661417400' + n,
    home: n === 2 ? { city: 'Bern', zip: 3000 } : null,
  };
}

const protoText = `syntax = "proto3";
package com.example;

message Order {
  int64 id = 1;
  string customer = 2;
  repeated string items = 3;
  map<string, int32> qty = 4;
  Status status = 5;
  Address ship_to = 6;
  oneof payment {
    string card = 7;
    string iban = 8;
  }
  double total = 9;
  bool paid = 10;
  bytes blob = 11;
  uint32 u32 = 12;
  sint64 s64 = 13;
  optional string note = 14;
}
enum Status {
  UNKNOWN = 0;
  NEW = 1;
  SHIPPED = 2;
}
message Address {
  string city = 1;
  int32 zip = 2;
}
`;

const personSchema = {
  type: 'object', title: 'Person',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer', 'connect.type': 'int32' },
    score: { type: 'number' },
    tags: { type: 'array', items: { type: 'string' } },
    nick: { oneOf: [{ type: 'null' }, { type: 'string' }] },
    attrs: { type: 'object', additionalProperties: { type: 'integer' } },
  },
  required: ['name', 'age'],
};

function out(set, id, bytes) {
  process.stdout.write(JSON.stringify({ set, id, payload: Buffer.from(bytes).toString('base64') }) + '\n');
}

function frameProtobuf(id, indexes, payload) {
  const head = Buffer.alloc(5);
  head.writeInt32BE(id, 1);
  const zigzag = (v) => { const bytes = []; let u = (v << 1) ^ (v >> 31); u >>>= 0;
                          while (u >= 0x80) { bytes.push((u & 0x7f) | 0x80); u >>>= 7; }
                          bytes.push(u); return bytes; };
  const idx = indexes.length === 1 && indexes[0] === 0 ? [0]
            : [...zigzag(indexes.length), ...indexes.flatMap(zigzag)];
  return Buffer.concat([head, Buffer.from(idx), payload]);
}

async function main() {
  // Avro: every type, then a second version mid-topic, then a schema with a reference.
  const v1 = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(everythingV1) },
                                     { subject: 'everything-value' });
  for (let n = 0; n < 3; ++n) out('avro', v1.id, await registry.encode(v1.id, everything(n)));
  const v2 = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(everythingV2) },
                                     { subject: 'everything-value' });
  out('avro', v2.id, await registry.encode(v2.id, { ...everything(3), note: 'v2' }));
  out('avro', v1.id, await registry.encode(v1.id, everything(4)));

  const addr = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(address) },
                                       { subject: 'address' });
  const order = { type: 'record', name: 'Shipment', namespace: 'com.example',
                  fields: [{ name: 'id', type: 'long' }, { name: 'to', type: 'Address' }] };
  const withRef = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(order),
      references: [{ name: 'com.example.Address', subject: 'address', version: 1 }] },
    { subject: 'shipment-value' });
  out('avro-ref', withRef.id, await registry.encode(withRef.id, { id: 42, to: { city: 'Basel', zip: 4000 } }));
  void addr;

  // Protobuf: registered through the library, encoded by protobufjs.
  const proto = await registry.register({ type: SchemaType.PROTOBUF, schema: protoText },
                                        { subject: 'orders-proto-value' });
  const root = protobuf.parse(protoText).root;
  const Order = root.lookupType('com.example.Order');
  const Address = root.lookupType('com.example.Address');
  const o1 = Order.fromObject({ id: '9007199254740993', customer: 'ACME', items: ['a', 'b'],
                                qty: { a: 2 }, status: 'SHIPPED', shipTo: { city: 'Genève', zip: 1200 },
                                card: '4111', total: 12.5, paid: true, blob: Buffer.from([7, 8]),
                                u32: 4294967295, s64: '-5', note: 'fragile' });
  out('protobuf', proto.id, frameProtobuf(proto.id, [0], Order.encode(o1).finish()));
  const o2 = Order.fromObject({ id: 2, iban: 'CH93' });
  out('protobuf', proto.id, frameProtobuf(proto.id, [0], Order.encode(o2).finish()));
  out('protobuf', proto.id,
      frameProtobuf(proto.id, [1], Address.encode(Address.fromObject({ city: 'Chur', zip: 7000 })).finish()));

  // JSON Schema.
  const person = await registry.register({ type: SchemaType.JSON, schema: JSON.stringify(personSchema) },
                                         { subject: 'people-value' });
  out('json', person.id, await registry.encode(person.id, { name: 'Ada', age: 36, score: 9.5,
      tags: ['x'], nick: null, attrs: { a: 1 } }));
  out('json', person.id, await registry.encode(person.id, { name: 'Bob', age: -1 }));
}

main().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
