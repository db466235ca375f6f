/** JSON for aggregate states, which hold bigints: `{"$bigint": "123"}`. */
export function encodeState(state: unknown): string {
  return JSON.stringify(state, (_, value: unknown) =>
    typeof value === 'bigint' ? { $bigint: value.toString() } : value,
  );
}

export function decodeState<State>(json: unknown): State {
  return JSON.parse(JSON.stringify(json), (_, value: unknown) =>
    value !== null && typeof value === 'object' && '$bigint' in value
      ? BigInt((value as { $bigint: string }).$bigint)
      : value,
  ) as State;
}
