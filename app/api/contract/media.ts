// Image URLs: pixels travel only by dataset id + image id, never by file path. The same relative
// path is served by `ddl-lab serve` (`/media/...`) and by Electron's `lab-image://` protocol.

export const labImageScheme = 'lab-image';

/** Thumbnail edge lengths accepted by both transports (the long side, in px). */
export const thumbnailSizes = [48, 64, 96, 128, 192, 256] as const;
export type ThumbnailSize = (typeof thumbnailSizes)[number];

/** `media/<datasetId>/<imageId>[?thumb=N]`: the path part shared by both transports. */
export function imageMediaPath(datasetId: string, imageId: string, thumb?: ThumbnailSize): string {
  const path = `media/${encodeURIComponent(datasetId)}/${encodeURIComponent(imageId)}`;
  return thumb === undefined ? path : `${path}?thumb=${thumb}`;
}

/** Parses `/media/<datasetId>/<imageId>` (leading slash optional); undefined for anything else. */
export function parseImageMediaPath(pathname: string): { datasetId: string; imageId: string } | undefined {
  const match = /^\/?media\/([A-Za-z0-9_-]{1,64})\/([A-Za-z0-9_-]{1,64})$/.exec(pathname);
  return match ? { datasetId: match[1] as string, imageId: match[2] as string } : undefined;
}

/** The `thumb` query value as an accepted size; undefined when absent, null when not accepted. */
export function parseThumbnailSize(value: string | null): ThumbnailSize | undefined | null {
  if (value === null) return undefined;
  const size = Number(value);
  return (thumbnailSizes as readonly number[]).includes(size) ? (size as ThumbnailSize) : null;
}
