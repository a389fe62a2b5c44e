// Chart colours: two runs (A, B), easy and hard, and axis ink. Distributions have their own in lib/similarity.ts.
export const runColors = { a: '#1d4ed8', b: '#c2410c' } as const;
export const sideColors = { easy: '#2f7d4f', hard: '#b4233c' } as const;
export const pairTypeColors = {
  'easy-easy': '#2f7d4f',
  'easy-hard': '#a16207',
  'hard-hard': '#b4233c',
  overall: '#374151',
} as const;
export const axisInk = '#4b5563';
export const gridInk = '#e5e7eb';
export const accent = '#2456c9';
export const tickStyle = { fontSize: 11, fill: axisInk } as const;
