// Arrow keys through a grid of `total` cells laid out `columns` per row: the next index, or
// undefined when the key is not a grid key (Home/End go to the first and last cell).

export function nextGridIndex(key: string, current: number, columns: number, total: number): number | undefined {
  if (total === 0) return undefined;
  const last = total - 1;
  switch (key) {
    case 'ArrowRight':
      return Math.min(current + 1, last);
    case 'ArrowLeft':
      return Math.max(current - 1, 0);
    case 'ArrowDown':
      return Math.min(current + columns, last);
    case 'ArrowUp':
      return current - columns >= 0 ? current - columns : current;
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return undefined;
  }
}
