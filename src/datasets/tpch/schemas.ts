// The eight TPC-H tables' column names and types (TPC-H specification, clause 1.4), built in for .tbl files.
import { DATE, INTEGER, decimalType, type SqlType } from '../../values/types.js';

const money = decimalType(15, 2);
const char = (length: number): SqlType => ({ kind: 'char', length });
const varchar = (length: number): SqlType => ({ kind: 'varchar', length });

/** TPCH_SCHEMAS maps each TPC-H table name to its columns in file order. */
export const TPCH_SCHEMAS: Readonly<Record<string, readonly (readonly [string, SqlType])[]>> = {
  part: [
    ['p_partkey', INTEGER], ['p_name', varchar(55)], ['p_mfgr', char(25)], ['p_brand', char(10)], ['p_type', varchar(25)],
    ['p_size', INTEGER], ['p_container', char(10)], ['p_retailprice', money], ['p_comment', varchar(23)],
  ],
  supplier: [
    ['s_suppkey', INTEGER], ['s_name', char(25)], ['s_address', varchar(40)], ['s_nationkey', INTEGER], ['s_phone', char(15)],
    ['s_acctbal', money], ['s_comment', varchar(101)],
  ],
  partsupp: [
    ['ps_partkey', INTEGER], ['ps_suppkey', INTEGER], ['ps_availqty', INTEGER], ['ps_supplycost', money], ['ps_comment', varchar(199)],
  ],
  customer: [
    ['c_custkey', INTEGER], ['c_name', varchar(25)], ['c_address', varchar(40)], ['c_nationkey', INTEGER], ['c_phone', char(15)],
    ['c_acctbal', money], ['c_mktsegment', char(10)], ['c_comment', varchar(117)],
  ],
  orders: [
    ['o_orderkey', INTEGER], ['o_custkey', INTEGER], ['o_orderstatus', char(1)], ['o_totalprice', money], ['o_orderdate', DATE],
    ['o_orderpriority', char(15)], ['o_clerk', char(15)], ['o_shippriority', INTEGER], ['o_comment', varchar(79)],
  ],
  lineitem: [
    ['l_orderkey', INTEGER], ['l_partkey', INTEGER], ['l_suppkey', INTEGER], ['l_linenumber', INTEGER], ['l_quantity', money],
    ['l_extendedprice', money], ['l_discount', money], ['l_tax', money], ['l_returnflag', char(1)], ['l_linestatus', char(1)],
    ['l_shipdate', DATE], ['l_commitdate', DATE], ['l_receiptdate', DATE], ['l_shipinstruct', char(25)], ['l_shipmode', char(10)],
    ['l_comment', varchar(44)],
  ],
  nation: [['n_nationkey', INTEGER], ['n_name', char(25)], ['n_regionkey', INTEGER], ['n_comment', varchar(152)]],
  region: [['r_regionkey', INTEGER], ['r_name', char(25)], ['r_comment', varchar(152)]],
};
