// jsdom draws nothing: enough of a 2D canvas, Path2D and matchMedia for
// uPlot to build its charts (DOM, legend, sizes) in tests. Import this
// before anything that imports uPlot, which reads the screen's pixel ratio
// when it loads.

type Anything = Record<string | symbol, unknown>;

const context = new Proxy({} as Anything, {
  get(target, key) {
    if (key in target) return target[key];
    if (key === 'measureText') return () => ({ width: 8, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 });
    return () => {};
  },
  set(target, key, value) {
    target[key] = value;
    return true;
  },
});

HTMLCanvasElement.prototype.getContext = function getContext() {
  return context;
} as unknown as HTMLCanvasElement['getContext'];

if (!('Path2D' in globalThis)) {
  (globalThis as unknown as Anything).Path2D = class {
    moveTo(): void {}
    lineTo(): void {}
    rect(): void {}
    arc(): void {}
    closePath(): void {}
    bezierCurveTo(): void {}
    addPath(): void {}
  };
}

if (typeof window.matchMedia !== 'function') {
  window.matchMedia = ((media: string) => ({
    matches: false,
    media,
    onchange: null,
    addEventListener() {},
    removeEventListener() {},
    addListener() {},
    removeListener() {},
    dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia;
}
