// Test helpers: hex strings to bytes and back, as the instruction tables write them.

/** hexToBytes reads "b7 00 01 ..." (spaces optional) into bytes. */
export function hexToBytes(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** bytesToHex prints bytes as "b7 00 01 ...". */
export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
