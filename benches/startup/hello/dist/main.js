// Report "painted" to the Rust side once the first frame after load is on screen:
// the first requestAnimationFrame runs before that frame's paint, the second
// one after it.
function reportPainted() {
  requestAnimationFrame(() => {
    requestAnimationFrame(() => {
      window.__TAURI_INTERNALS__.invoke('painted');
    });
  });
}

if (document.readyState === 'complete') {
  reportPainted();
} else {
  window.addEventListener('load', reportPainted, { once: true });
}
