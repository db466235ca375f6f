/** Amounts leave the API as JSON integers; a sum past 2^53 − 1 (never a single amount) as a decimal string. */
export function jsonAmount(value: bigint | string): number | string {
  const amount = BigInt(value);
  return amount <= BigInt(Number.MAX_SAFE_INTEGER) && amount >= -BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(amount)
    : amount.toString();
}
