// What the browser test injects before the page's own scripts (a Playwright init script, which the
// page's CSP does not govern): a stub of VS Code's `acquireVsCodeApi` that records posted messages
// and keeps state, a recorder of CSP violations, and the theme VS Code sets on <html> and <body>.
// Plain JavaScript read as text: a function compiled by tsx would carry helpers the page lacks.
// The test appends a call: installInitLensStub({ theme, themeClass, savedState }).
globalThis.installInitLensStub = (options) => {
  const record = {
    posted: [],
    state: options.savedState,
    setStateCount: 0,
    acquireCount: 0,
    cspViolations: [],
    setTheme(theme, themeClass) {
      const root = document.documentElement;
      for (const [name, value] of Object.entries(theme)) {
        root.style.setProperty(name, value);
      }
      // The side bar's colour behind the (transparent) webview.
      root.style.background = 'var(--vscode-sideBar-background)';
      document.body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast');
      document.body.classList.add(themeClass);
      document.body.dataset.vscodeThemeKind = themeClass;
    },
  };
  window.__initLensTest = record;
  window.acquireVsCodeApi = () => {
    record.acquireCount++;
    return Object.freeze({
      postMessage: (message) => record.posted.push(JSON.parse(JSON.stringify(message))),
      getState: () => record.state,
      setState: (state) => {
        record.state = JSON.parse(JSON.stringify(state));
        record.setStateCount++;
      },
    });
  };
  document.addEventListener('securitypolicyviolation', (event) => {
    record.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`);
  });
  // <html> and <body> do not exist yet when an init script runs: theme them as they appear.
  const themeWhenReady = () => {
    if (document.documentElement && document.body) {
      record.setTheme(options.theme, options.themeClass);
      return true;
    }
    return false;
  };
  if (!themeWhenReady()) {
    const observer = new MutationObserver(() => {
      if (themeWhenReady()) {
        observer.disconnect();
      }
    });
    observer.observe(document, { childList: true, subtree: true });
  }
};
