/**
 * A QR code as inline SVG (qrcode-generator computes the modules; one `<path>` draws them), so the
 * page needs no image request and no script to show it.
 */
import qrcode from 'qrcode-generator';

/**
 * The SVG of a QR code of `text` (error correction M, a 4-module quiet zone), labelled for screen
 * readers with `label`. `text` is the only input and is never copied into the markup.
 * @example
 * qrSvg('openid4vp://?client_id=…', 'QR code of the login request');
 */
export function qrSvg(text: string, label: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const margin = 4;
  const size = n + 2 * margin;
  let d = '';
  for (let row = 0; row < n; row++)
    for (let col = 0; col < n; col++)
      if (qr.isDark(row, col)) d += `M${col + margin} ${row + margin}h1v1h-1z`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" role="img" ` +
    `aria-label="${escapeAttr(label)}" shape-rendering="crispEdges" class="qr">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`
  );
}

function escapeAttr(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
