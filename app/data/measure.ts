// Measured attributes of an image, from its decoded RGB pixels.
// Grey = Rec. 601 luma in 0..255. Sharpness = variance of the 4-neighbour Laplacian of grey
// (the usual blur measure: low = blurry / upsampled); brightness = mean grey / 255;
// contrast = standard deviation of grey / 255.

export interface ImageMeasures {
  sharpness: number;
  brightness: number;
  contrast: number;
}

// Grey values of the image being measured, reused: a fresh 1 MB array per 512 px image is
// mostly allocation and zeroing. Measuring is synchronous, so one buffer per thread is enough.
let scratch = new Float32Array(0);

export function measureRgb(rgb: Uint8Array, width: number, height: number): ImageMeasures {
  const n = width * height;
  if (scratch.length < n) scratch = new Float32Array(n);
  const grey = scratch;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const v = 0.299 * (rgb[p] as number) + 0.587 * (rgb[p + 1] as number) + 0.114 * (rgb[p + 2] as number);
    grey[i] = v;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  const variance = Math.max(0, sumSq / n - mean * mean);

  let lapSum = 0;
  let lapSq = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const lap =
        (grey[i - 1] as number) +
        (grey[i + 1] as number) +
        (grey[i - width] as number) +
        (grey[i + width] as number) -
        4 * (grey[i] as number);
      lapSum += lap;
      lapSq += lap * lap;
      count++;
    }
  }
  const lapMean = count ? lapSum / count : 0;
  const sharpness = count ? Math.max(0, lapSq / count - lapMean * lapMean) : 0;
  return { sharpness, brightness: mean / 255, contrast: Math.sqrt(variance) / 255 };
}
