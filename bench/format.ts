// Number formatting shared by the gate's messages and the report's tables.

export function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

// Two significant figures below 1 (0.025x), two decimals up to 100, whole numbers above.
export function formatRatio(value: number): string {
  return value >= 100 ? `${value.toFixed(0)}x` : value >= 1 ? `${value.toFixed(2)}x` : `${value.toPrecision(2)}x`;
}
