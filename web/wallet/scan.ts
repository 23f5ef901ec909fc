/**
 * Scanning a site's QR code into the login form: from the camera (127.0.0.1 is a secure context,
 * so the browser may ask for it) or from an image file (a screenshot or photo of the code).
 * Frames and images are decoded in this page by jsQR; nothing leaves the browser, and only a
 * code holding an `openid4vp://` link is taken.
 */
import jsqr from 'jsqr';
import { h, mount } from '../shared/dom.ts';
import { t } from './wallet-words.ts';

/**
 * jsQR's decoder. The package is CommonJS with an `exports.default`: TypeScript (NodeNext) sees
 * the exports object, the bundler may hand over the function itself.
 */
type Decoder = typeof jsqr.default;
const jsQR: Decoder = typeof jsqr === 'function' ? jsqr : jsqr.default;

const LINK = /^openid4vp:\/\//;
/** Frames are decoded at most this wide (a QR code needs far fewer pixels; big frames are slow). */
const MAX_WIDTH = 800;
const FRAME_MS = 200;

/** The text of the QR code in `source`, or undefined when it holds none. */
function decode(source: CanvasImageSource, width: number, height: number): string | undefined {
  const scale = Math.min(1, MAX_WIDTH / width);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (ctx === null) return undefined;
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return jsQR(data, canvas.width, canvas.height, { inversionAttempts: 'attemptBoth' })?.data;
}

/** Says what a decoded text is: the link, or why it is not taken. */
function taken(
  text: string | undefined,
  status: HTMLElement,
  onLink: (link: string) => void,
): boolean {
  if (text === undefined) return false;
  if (!LINK.test(text)) {
    mount(status, t('scan.notLogin'));
    return false;
  }
  mount(status, t('scan.found'));
  onLink(text);
  return true;
}

/** The image-file control: decodes the chosen image. */
function fileControl(status: HTMLElement, onLink: (link: string) => void): HTMLElement {
  const input = h('input', { type: 'file', id: 'scan-file', accept: 'image/*' });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file === undefined) return;
    mount(status, t('scan.reading'));
    createImageBitmap(file)
      .then((bitmap) => {
        const text = decode(bitmap, bitmap.width, bitmap.height);
        bitmap.close();
        if (!taken(text, status, onLink) && text === undefined) mount(status, t('scan.none'));
      })
      .catch(() => mount(status, t('scan.badImage')));
  });
  return h('p', null, h('label', { for: 'scan-file' }, t('scan.file')), input);
}

/** The camera control: a button that shows the camera and decodes frames until a link is found. */
function cameraControl(status: HTMLElement, onLink: (link: string) => void): HTMLElement | null {
  if (navigator.mediaDevices?.getUserMedia === undefined) return null;
  const video = h('video', { id: 'scan-video', muted: true, playsinline: true, hidden: true });
  let stream: MediaStream | undefined;
  const stop = (): void => {
    for (const track of stream?.getTracks() ?? []) track.stop();
    stream = undefined;
    video.hidden = true;
    button.textContent = t('scan.camera');
  };
  const tick = (): void => {
    if (stream === undefined || !video.isConnected) return stop();
    if (video.videoWidth > 0) {
      const text = decode(video, video.videoWidth, video.videoHeight);
      if (taken(text, status, onLink)) return stop();
    }
    setTimeout(tick, FRAME_MS);
  };
  const start = async (): Promise<void> => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    } catch (err) {
      mount(status, `${t('scan.noCamera')} (${err instanceof Error ? err.name : String(err)})`);
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    button.textContent = t('scan.stop');
    mount(status, t('scan.looking'));
    await video.play();
    tick();
  };
  const button = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      id: 'scan-camera',
      onclick: () => (stream === undefined ? void start() : stop()),
    },
    t('scan.camera'),
  );
  return h('div', { class: 'scan-camera' }, button, video);
}

/** Scanning controls that hand a found `openid4vp://` link to `onLink`. */
export function scanControls(onLink: (link: string) => void): HTMLElement {
  const status = h('p', {
    id: 'scan-status',
    class: 'muted',
    role: 'status',
    'aria-live': 'polite',
  });
  return h(
    'fieldset',
    { class: 'scan' },
    h('legend', null, t('scan.legend')),
    cameraControl(status, onLink),
    fileControl(status, onLink),
    status,
  );
}
