// A grid of images in one PNG: to look at SynthFaces (rows = identities, columns = conditions).
import sharp from 'sharp';

/** rows[r][c] are encoded images (any format sharp reads); each cell is cellSize square. */
export async function contactSheet(rows: readonly (readonly Buffer[])[], cellSize: number, gap = 2): Promise<Buffer> {
  const columns = Math.max(1, ...rows.map((r) => r.length));
  const width = columns * cellSize + (columns + 1) * gap;
  const height = rows.length * cellSize + (rows.length + 1) * gap;
  const tiles = await Promise.all(
    rows.flatMap((row, r) =>
      row.map(async (image, c) => ({
        input: await sharp(image).resize(cellSize, cellSize, { kernel: 'nearest' }).png().toBuffer(),
        left: gap + c * (cellSize + gap),
        top: gap + r * (cellSize + gap),
      })),
    ),
  );
  return sharp({ create: { width, height, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .composite(tiles)
    .png()
    .toBuffer();
}
