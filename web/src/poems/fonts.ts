/**
 * Whether the browser has a font for Chinese characters: without one it draws every character as
 * the same "tofu" box, so two different characters give the same pixels.
 */
export function rendersChinese(family: string): boolean {
  const canvas = new OffscreenCanvas(40, 40);
  const ctx = canvas.getContext('2d');
  if (ctx === null) return true;
  const ink = (c: string): string => {
    ctx.clearRect(0, 0, 40, 40);
    ctx.font = `32px ${family}`;
    ctx.fillText(c, 2, 34);
    return Array.from(ctx.getImageData(0, 0, 40, 40).data.filter((_, i) => i % 4 === 3)).join(',');
  };
  return ink('春') !== ink('秋');
}
