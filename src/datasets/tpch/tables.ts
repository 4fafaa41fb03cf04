// Row makers for the eight TPC-H tables, following the specification's value domains and cardinalities.
import { Random } from './random.js';
import {
  NATIONS,
  PRIORITIES,
  REGIONS,
  SEGMENTS,
  SHIP_INSTRUCTIONS,
  SHIP_MODES,
  comment,
  container,
  partName,
  partType,
  phone,
  vstring,
} from './text.js';

/** Field is one output value: text, or a fixed-point number of cents, or a date in days since 1970-01-01. */
export type Field = string | number | { cents: number } | { days: number };
export type Row = readonly Field[];

/** TABLE_NAMES lists the tables in the order they are generated. */
export const TABLE_NAMES = ['region', 'nation', 'supplier', 'customer', 'part', 'partsupp', 'orders', 'lineitem'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

/** COLUMN_NAMES gives each table's column names (header row of CSV output). */
export const COLUMN_NAMES: Record<TableName, readonly string[]> = {
  region: ['r_regionkey', 'r_name', 'r_comment'],
  nation: ['n_nationkey', 'n_name', 'n_regionkey', 'n_comment'],
  supplier: ['s_suppkey', 's_name', 's_address', 's_nationkey', 's_phone', 's_acctbal', 's_comment'],
  customer: ['c_custkey', 'c_name', 'c_address', 'c_nationkey', 'c_phone', 'c_acctbal', 'c_mktsegment', 'c_comment'],
  part: ['p_partkey', 'p_name', 'p_mfgr', 'p_brand', 'p_type', 'p_size', 'p_container', 'p_retailprice', 'p_comment'],
  partsupp: ['ps_partkey', 'ps_suppkey', 'ps_availqty', 'ps_supplycost', 'ps_comment'],
  orders: ['o_orderkey', 'o_custkey', 'o_orderstatus', 'o_totalprice', 'o_orderdate', 'o_orderpriority', 'o_clerk', 'o_shippriority', 'o_comment'],
  lineitem: [
    'l_orderkey', 'l_partkey', 'l_suppkey', 'l_linenumber', 'l_quantity', 'l_extendedprice', 'l_discount', 'l_tax',
    'l_returnflag', 'l_linestatus', 'l_shipdate', 'l_commitdate', 'l_receiptdate', 'l_shipinstruct', 'l_shipmode', 'l_comment',
  ],
};

/** Scale holds the row counts of one scale factor. */
export interface Scale {
  readonly suppliers: number;
  readonly customers: number;
  readonly parts: number;
  readonly orders: number;
}

/** scaleFor returns the cardinalities of scale factor `sf` (at least one row each). */
export function scaleFor(sf: number): Scale {
  const count = (base: number) => Math.max(1, Math.round(base * sf));
  return { suppliers: count(10_000), customers: count(150_000), parts: count(200_000), orders: count(1_500_000) };
}

const DAY_1992_01_01 = 8035;
const DAY_1995_06_17 = 9298; // CURRENTDATE of the specification
const LAST_ORDER_DAY = 10591 - 151; // ENDDATE 1998-12-31 (day 10591) minus 151 days = 1998-08-02

/** retailPriceCents is P_RETAILPRICE of a part key, in cents, as the specification defines it. */
export function retailPriceCents(partKey: number): number {
  return 90000 + (Math.floor(partKey / 10) % 20001) + 100 * (partKey % 1000);
}

/** supplierOf returns the i-th (0..3) supplier of a part, as the specification defines PS_SUPPKEY. */
export function supplierOf(partKey: number, i: number, suppliers: number): number {
  return ((partKey + i * (Math.floor(suppliers / 4) + Math.floor((partKey - 1) / suppliers))) % suppliers) + 1;
}

/** regionRows yields the 5 regions. */
export function* regionRows(seed: number): Generator<Row> {
  const rng = new Random(seed, 'region');
  for (let key = 0; key < REGIONS.length; key++) yield [key, REGIONS[key]!, comment(rng, 31, 115)];
}

/** nationRows yields the 25 nations. */
export function* nationRows(seed: number): Generator<Row> {
  const rng = new Random(seed, 'nation');
  for (let key = 0; key < NATIONS.length; key++) {
    const [name, region] = NATIONS[key]!;
    yield [key, name, region, comment(rng, 31, 114)];
  }
}

/** supplierRows yields SF x 10,000 suppliers. */
export function* supplierRows(seed: number, scale: Scale): Generator<Row> {
  const rng = new Random(seed, 'supplier');
  for (let key = 1; key <= scale.suppliers; key++) {
    const nation = rng.int(0, 24);
    yield [key, `Supplier#${pad(key, 9)}`, vstring(rng, 10, 40), nation, phone(rng, nation), { cents: rng.int(-99_999, 999_999) }, comment(rng, 25, 100)];
  }
}

/** customerRows yields SF x 150,000 customers. */
export function* customerRows(seed: number, scale: Scale): Generator<Row> {
  const rng = new Random(seed, 'customer');
  for (let key = 1; key <= scale.customers; key++) {
    const nation = rng.int(0, 24);
    yield [
      key, `Customer#${pad(key, 9)}`, vstring(rng, 10, 40), nation, phone(rng, nation),
      { cents: rng.int(-99_999, 999_999) }, rng.pick(SEGMENTS), comment(rng, 29, 116),
    ];
  }
}

/** partRows yields SF x 200,000 parts. */
export function* partRows(seed: number, scale: Scale): Generator<Row> {
  const rng = new Random(seed, 'part');
  for (let key = 1; key <= scale.parts; key++) {
    const mfgr = rng.int(1, 5);
    yield [
      key, partName(rng), `Manufacturer#${mfgr}`, `Brand#${mfgr}${rng.int(1, 5)}`, partType(rng), rng.int(1, 50),
      container(rng), { cents: retailPriceCents(key) }, comment(rng, 5, 22),
    ];
  }
}

/** partsuppRows yields 4 suppliers for every part. */
export function* partsuppRows(seed: number, scale: Scale): Generator<Row> {
  const rng = new Random(seed, 'partsupp');
  for (let part = 1; part <= scale.parts; part++) {
    for (let i = 0; i < 4; i++) {
      yield [part, supplierOf(part, i, scale.suppliers), rng.int(1, 9999), { cents: rng.int(100, 100_000) }, comment(rng, 49, 198)];
    }
  }
}

/** OrderWithLines is one order row and its 1..7 line items, generated together (status and total depend on them). */
export interface OrderWithLines {
  readonly order: Row;
  readonly lines: readonly Row[];
}

/** orderRows yields SF x 1,500,000 orders, each with its line items. */
export function* orderRows(seed: number, scale: Scale): Generator<OrderWithLines> {
  const rng = new Random(seed, 'orders');
  for (let i = 0; i < scale.orders; i++) {
    const orderKey = Math.floor(i / 8) * 32 + (i % 8) + 1; // sparse keys: 8 of every 32
    let customer = rng.int(1, scale.customers);
    if (scale.customers >= 3 && customer % 3 === 0) customer = customer === scale.customers ? customer - 1 : customer + 1;
    const orderDate = rng.int(DAY_1992_01_01, LAST_ORDER_DAY);
    const lineCount = rng.int(1, 7);
    const lines: Row[] = [];
    let total = 0; // in units of 10^-6 (cents x (1+tax) x (1-discount) in hundredths each)
    let shipped = 0;
    for (let line = 1; line <= lineCount; line++) {
      const part = rng.int(1, scale.parts);
      const supplier = supplierOf(part, rng.int(0, 3), scale.suppliers);
      const quantity = rng.int(1, 50);
      const price = quantity * retailPriceCents(part);
      const discount = rng.int(0, 10);
      const tax = rng.int(0, 8);
      const shipDate = orderDate + rng.int(1, 121);
      const commitDate = orderDate + rng.int(30, 90);
      const receiptDate = shipDate + rng.int(1, 30);
      const returnFlag = receiptDate <= DAY_1995_06_17 ? (rng.int(0, 1) ? 'R' : 'A') : 'N';
      const lineStatus = shipDate > DAY_1995_06_17 ? 'O' : 'F';
      if (lineStatus === 'F') shipped++;
      total += price * (100 + tax) * (100 - discount);
      lines.push([
        orderKey, part, supplier, line, quantity, { cents: price }, { cents: discount }, { cents: tax },
        returnFlag, lineStatus, { days: shipDate }, { days: commitDate }, { days: receiptDate },
        rng.pick(SHIP_INSTRUCTIONS), rng.pick(SHIP_MODES), comment(rng, 10, 43),
      ]);
    }
    const status = shipped === lineCount ? 'F' : shipped === 0 ? 'O' : 'P';
    const order: Row = [
      orderKey, customer, status, { cents: Math.round(total / 10_000) }, { days: orderDate }, rng.pick(PRIORITIES),
      `Clerk#${pad(rng.int(1, Math.max(1, Math.round(scale.orders / 1500))), 9)}`, 0, comment(rng, 19, 78),
    ];
    yield { order, lines };
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
